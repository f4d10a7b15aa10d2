"""Which links want a second opinion, and what a public page or a provider's answer says; pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.freshness.providers.interface import ProviderResult, Signal
from bot.history.verifications import Remembered
from bot.model import LinkResult, Method, Opinion, Status, Verification
from bot.verify.archive_rules import Judgement

# What a provider's signals mean for the linked page itself. A provider that found the thing
# and raised none of these vouches for it; one that could not tell says nothing.
GONE_SIGNALS: Mapping[Signal, str] = {
    Signal.DELETED: "deleted",
    Signal.REMOVED: "removed",
    Signal.REF_MISSING: "its branch or tag is gone",
    Signal.PATH_MISSING: "its path is gone",
}
SILENT_SIGNALS = frozenset({Signal.PRIVATE, Signal.DISABLED})

# The check requested a public twin in place of the link (`check.remaps`): what it saw there.
PUBLIC_OPINION: Mapping[Status, Opinion] = {
    Status.OK: Opinion.ALIVE,
    Status.REDIRECTED: Opinion.ALIVE,
    Status.BROKEN: Opinion.GONE,
}


def wants_opinion(result: LinkResult, failing_before: bool) -> bool:
    """Blocked links always; `error` links only once the failure outlasts one run."""
    return result.status is Status.BLOCKED or (result.status is Status.ERROR and failing_before)


def direct_key(result: LinkResult) -> str:
    """What the direct check saw, as remembered beside a second opinion: a change re-asks."""
    return f"{result.status.value}/{result.reason}"


def public_page(result: LinkResult) -> Judgement | None:
    """The second opinion already given by a public equivalent the check requested."""
    target, rule = result.metadata.get("checked_as"), result.metadata.get("remap")
    opinion = PUBLIC_OPINION.get(result.status)
    if not isinstance(target, str) or opinion is None:
        return None
    said = "answers" if opinion is Opinion.ALIVE else f"is {result.reason}"
    evidence = f"the public page {target} {said} (rule {rule})"
    return Judgement(Verification(Method.PUBLIC_PAGE, target, opinion, None, evidence),
                     f"public_page:{rule}")


def provider_opinion(found: ProviderResult, today: str) -> Judgement:
    """A provider's answer about the linked thing, as a second opinion."""
    name = found.provider
    if not found.found:
        why = found.reason or "no answer"
        return Judgement(Verification(Method.PROVIDER, name, Opinion.UNKNOWN, None,
                                      f"{name} could not tell: {why}"), "provider:unknown")
    gone = [text for signal, text in GONE_SIGNALS.items() if signal in found.signals]
    if gone:
        return Judgement(Verification(Method.PROVIDER, name, Opinion.GONE, None,
                                      f"{name} says {gone[0]}"), "provider:gone")
    if found.signals & SILENT_SIGNALS:
        what = ", ".join(sorted(signal.value for signal in found.signals & SILENT_SIGNALS))
        return Judgement(Verification(Method.PROVIDER, name, Opinion.UNKNOWN, None,
                                      f"{name} says {what}"), "provider:silent")
    return Judgement(Verification(Method.PROVIDER, name, Opinion.ALIVE, today,
                                  f"{name} knows it{_titled(found)} on {today}"),
                     "provider:found")


def _titled(found: ProviderResult) -> str:
    return f" ({found.title[:80]})" if found.title else ""


def reusable(memory: Remembered | None, result: LinkResult, now: datetime,
             recheck_days: int) -> bool:
    """A remembered opinion stands while the direct check sees the same and it is fresh."""
    if memory is None or memory.direct != direct_key(result):
        return False
    asked = _parse(memory.asked)
    return asked is not None and timedelta(0) <= now - asked < timedelta(days=recheck_days)


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
