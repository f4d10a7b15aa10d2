"""`quick_init`: the faster `__init__` of the hot frozen records takes the same arguments and
makes the same records as the one `dataclasses` wrote, which each class keeps."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from typing import Any

import pytest

import bot.check.engine  # noqa: F401  (imports every module with a decorated record)
from bot.records import DECORATED, quick_init


def made_by_dataclasses(cls: type, *args: Any, **kwargs: Any) -> Any:
    record = object.__new__(cls)
    cls.__dataclass_init__(record, *args, **kwargs)  # type: ignore[attr-defined]
    return record


def test_the_hot_records_are_decorated() -> None:
    names = {cls.__name__ for cls in DECORATED}
    assert {"Observation", "Exchange", "LinkResult", "Source", "Link", "Job",
            "Sending", "Answer"} <= names


@pytest.mark.parametrize("cls", DECORATED, ids=lambda cls: cls.__name__)
def test_the_signature_is_the_dataclass_one(cls: type) -> None:
    quick = inspect.signature(cls.__init__).parameters
    original = inspect.signature(cls.__dataclass_init__).parameters  # type: ignore[attr-defined]
    assert [(p.name, p.kind) for p in quick.values()] == [
        (p.name, p.kind) for p in original.values()]
    for name, parameter in original.items():
        assert (quick[name].default is inspect.Parameter.empty) == (
            parameter.default is inspect.Parameter.empty)


@pytest.mark.parametrize("cls", DECORATED, ids=lambda cls: cls.__name__)
def test_every_field_is_set_as_given_or_to_its_default(cls: type) -> None:
    fields = dataclasses.fields(cls)
    given = [object() for _ in fields]
    by_position = cls(*given)
    by_name = cls(**{f.name: value for f, value in zip(fields, given, strict=True)})
    for record in (by_position, by_name):
        assert [getattr(record, f.name) for f in fields] == given
        assert record == made_by_dataclasses(cls, *given)
    required = [value for f, value in zip(fields, given, strict=True)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    defaulted, again = cls(*required), cls(*required)
    assert defaulted == made_by_dataclasses(cls, *required)
    for f in fields:
        if f.default_factory is not dataclasses.MISSING and isinstance(
                getattr(defaulted, f.name), (list, dict, set)):
            assert getattr(defaulted, f.name) is not getattr(again, f.name)  # a fresh one each
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(by_position, fields[0].name, None)


def test_a_default_factory_makes_a_fresh_value_for_each_record() -> None:
    @quick_init
    @dataclass(frozen=True, slots=True)
    class Bag:
        name: str
        items: list[int] = field(default_factory=list)
        size: int = 3

    DECORATED.remove(Bag)  # a class of this test, not one the package makes
    first, second = Bag("a"), Bag("b", [1])
    assert (first.items, second.items, first.size) == ([], [1], 3)
    assert first.items is not Bag("c").items
    assert Bag("a") == Bag("a", [], 3) and dataclasses.replace(first, size=4).size == 4


@pytest.mark.parametrize("options", [{"frozen": False, "slots": True},
                                     {"frozen": True, "slots": False}])
def test_only_frozen_slotted_dataclasses_are_taken(options: dict[str, bool]) -> None:
    @dataclass(**options)
    class Plain:
        name: str

    with pytest.raises(TypeError, match="frozen, slotted"):
        quick_init(Plain)


def test_a_class_with_post_init_or_init_only_fields_is_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Checked:
        name: str

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True, slots=True)
    class Derived:
        name: str
        size: int = field(init=False, default=0)

    for cls in (Checked, Derived):
        with pytest.raises(TypeError, match="init-only"):
            quick_init(cls)
