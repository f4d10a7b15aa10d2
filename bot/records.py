"""Frozen records made at half the cost: `quick_init` gives a frozen, slotted dataclass an
`__init__` that sets each slot through its own descriptor.

The `__init__` that `dataclasses` writes for a frozen class sets every field with
``object.__setattr__``, which looks the field up on the class each time: for the 13 fields
of an `Observation` that is ~1.5 us, and a checked link makes about ten such records
(observations, exchanges, its job, its result). Calling the slot's own descriptor does the
same store without the lookup. Everything else stays as `dataclasses` made it (equality,
hashing, `repr`, `replace`, pickling, the error on assignment), and the new `__init__` takes
the same arguments with the same defaults (tests/test_records.py holds it to the original,
which is kept as `__dataclass_init__`).

Only what the hot records use is supported: a class with a `__post_init__`, init-only or
keyword-only fields is refused when it is decorated.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

_T = TypeVar("_T", bound=type)

# Every class given the faster `__init__`, for the tests that hold it to the original.
DECORATED: list[type] = []


def quick_init(cls: _T) -> _T:
    """`cls`, a frozen slotted dataclass, with the faster `__init__` (see the module)."""
    params = dataclasses.fields(cls)
    frozen = getattr(getattr(cls, "__dataclass_params__", None), "frozen", False)
    if (not dataclasses.is_dataclass(cls) or not frozen
            or "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__")
            or any(not field.init or field.kw_only for field in params)):
        raise TypeError(f"quick_init takes a frozen, slotted dataclass without "
                        f"__post_init__ or init-only fields: {cls.__name__}")
    namespace: dict[str, Any] = {"_UNSET": _UNSET}
    arguments, stores = [], []
    for field in params:
        name = field.name
        namespace[f"_set_{name}"] = getattr(cls, name).__set__
        value = name
        if field.default is not dataclasses.MISSING:
            namespace[f"_default_{name}"] = field.default
            arguments.append(f"{name}=_default_{name}")
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{name}"] = field.default_factory
            arguments.append(f"{name}=_UNSET")
            value = f"_factory_{name}() if {name} is _UNSET else {name}"
        else:
            arguments.append(name)
        stores.append(f"    _set_{name}(self, {value})\n")
    source = f"def __init__(self, {', '.join(arguments)}):\n{''.join(stores) or '    pass'}\n"
    exec(source, namespace)  # as dataclasses writes its own: the signature is the class's
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__dataclass_init__ = cls.__init__  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[method-assign]
    DECORATED.append(cls)
    return cls


class _Unset:
    """The default of a field with a default factory: the factory makes a fresh value."""

    def __repr__(self) -> str:
        return "<factory default>"


_UNSET = _Unset()
