"""`collector.paused` stops cyclic collections inside its block and leaves the collector as
it found it, on the way out of an exception too."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot import collector


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
