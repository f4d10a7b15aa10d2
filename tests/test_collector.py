"""`collector.paused` stops cyclic collections inside its block and leaves the collector as
it found it, on the way out of an exception too; `collector.settle` takes what exists out of
later collections, in the process that asked for it only."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot import collector
from tests.interpreter import printed_by


@pytest.fixture
def restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.usefixtures("restored")
@pytest.mark.parametrize("enabled", [True, False])
def test_paused_restores_the_collectors_state(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with pytest.raises(KeyError), collector.paused():
        assert not gc.isenabled()
        raise KeyError("the block failed")
    assert gc.isenabled() is enabled


def test_settle_does_nothing_in_a_process_that_did_not_ask() -> None:
    frozen = gc.get_freeze_count()
    made = [[] for _ in range(100)]
    collector.settle()
    assert gc.get_freeze_count() == frozen
    assert made


def test_a_settling_process_takes_what_exists_out_of_later_collections() -> None:
    script = (
        "import gc\n"
        "from bot import collector\n"
        "collector.settle_from_now_on()\n"
        "start = gc.get_freeze_count()\n"
        "made = [[] for _ in range(1000)]\n"
        "collector.settle()\n"
        "print(gc.get_freeze_count() - start >= 1000,\n"
        "      not any(item is made[0] for item in gc.get_objects()))\n"
    )
    assert printed_by(script) == "True True"


def test_a_check_settles_its_plan_before_and_its_results_after_in_a_settling_process() -> None:
    # The engine's collection window: what the pass was given, and what it made, are each
    # out of every generation (gc.get_objects lists them all, the frozen ones excepted).
    script = (
        "import gc\n"
        "from bot import collector\n"
        "from bot.check.engine import fewer_collections\n"
        "collector.settle_from_now_on()\n"
        "plan = [[] for _ in range(1000)]\n"
        "with fewer_collections():\n"
        "    at_start = gc.get_objects()\n"
        "    results = [[] for _ in range(1000)]\n"
        "after = gc.get_objects()\n"
        "print(any(item is plan[0] for item in at_start), any(item is results[0] for item in after))\n"
    )
    assert printed_by(script) == "False False"
