"""The freshness policy: pure judging of one resource's dates and provider signals into a verdict.

Rules run in order and the first that fires decides (see `RULES`). A resource with no date and
no provider answer is "unknown", never stale: a missing date is our ignorance, not its age.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.freshness.dates import parse_date
from bot.freshness.providers.interface import ProviderResult, Signal
from bot.freshness.record import (
    Action,
    DatedFact,
    DateField,
    Evidence,
    Priority,
    Suggestion,
    Verdict,
)
from bot.freshness.scrape import SOURCE_RANK, source_rank
from bot.freshness.settings import PolicySettings

# Dates from an upstream's own API outrank anything scraped from a page.
API_SOURCES: tuple[str, ...] = ("github:", "pypi:", "substack:", "medium:")
MAINTAINED_KINDS = frozenset({"repository", "tool"})  # judged by pushes and releases
GONE_KINDS = frozenset({"video", "course"})  # a broken link means the thing was removed
GONE_SIGNALS = frozenset({Signal.ARCHIVED, Signal.DISABLED, Signal.DELETED})
HEADER_SOURCE = "header:last-modified"


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything known of one resource, as the policy sees it."""

    kind: str
    has_url: bool
    dates: tuple[DatedFact, ...] = ()
    provider: ProviderResult | None = None
    link_status: str | None = None  # the checker's status for the resource's URL, if checked
    link_reason: str | None = None
    checked_on: str | None = None  # the day the checker fetched the page (ISO)


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    priority: Priority = Priority.NORMAL
    last_updated: str | None = None
    date_source: str | None = None
    evidence: tuple[Evidence, ...] = ()
    suggestion: Suggestion | None = None


def rank(source: str) -> int:
    if source.startswith(API_SOURCES):
        return 0
    return 1 + source_rank(source) if source_rank(source) < len(SOURCE_RANK) else 99


def usable_dates(facts: Facts, today: date,
                 policy: PolicySettings) -> tuple[tuple[DatedFact, ...], tuple[Evidence, ...]]:
    """Dates worth judging by, and evidence for those dropped: future dates (beyond a little
    clock skew), and a `Last-Modified` as new as the fetch itself (a page made on the fly)."""
    limit = (today + timedelta(days=policy.future_tolerance_days)).isoformat()
    kept, dropped = [], []
    for fact in facts.dates:
        if fact.date > limit:
            dropped.append(Evidence("ignored future date", fact.date, fact.source))
        elif (fact.source == HEADER_SOURCE and facts.checked_on
              and fact.date >= facts.checked_on):
            dropped.append(Evidence("ignored: stamped at fetch time", fact.date, fact.source))
        else:
            kept.append(fact)
    return tuple(kept), tuple(dropped)


def last_updated(dates: tuple[DatedFact, ...]) -> DatedFact | None:
    """The best-sourced modified date, else the best published one; never before publication."""
    def best(field: DateField) -> DatedFact | None:
        found = [d for d in dates if d.field is field]
        return max(found, key=lambda d: (-rank(d.source), d.date)) if found else None

    modified, published = best(DateField.MODIFIED), best(DateField.PUBLISHED)
    if modified and published and modified.date < published.date:
        return published
    return modified or published


def years_before(today: date, years: int) -> str:
    try:
        return today.replace(year=today.year - years).isoformat()
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28).isoformat()


def months_before(today: date, months: int) -> str:
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    day = min(today.day, 28)
    return date(year, month + 1, day).isoformat()


@dataclass(frozen=True, slots=True)
class Context:
    """What every rule reads: the facts, the chosen date, the settings and today."""

    facts: Facts
    latest: DatedFact | None
    policy: PolicySettings
    today: date

    @property
    def signals(self) -> frozenset[Signal]:
        return self.facts.provider.signals if self.facts.provider else frozenset()

    @property
    def suggested_url(self) -> str | None:
        return self.facts.provider.suggested_url if self.facts.provider else None


Rule = Callable[[Context], Judgement | None]


def removed(ctx: Context) -> Judgement | None:
    if Signal.REMOVED in ctx.signals:
        return Judgement(Verdict.BROKEN, suggestion=Suggestion(
            Action.REMOVE_OR_REPLACE, "The video was removed: replace it or drop it."))
    if ctx.facts.kind in GONE_KINDS and ctx.facts.link_status == "broken":
        return Judgement(Verdict.BROKEN, suggestion=Suggestion(
            Action.REMOVE_OR_REPLACE,
            f"The {ctx.facts.kind} is gone ({ctx.facts.link_reason}): replace it or drop it."))
    return None


def gone_repository(ctx: Context) -> Judgement | None:
    gone = ctx.signals & GONE_SIGNALS
    if not gone:
        return None
    what = ", ".join(sorted(signal.value for signal in gone))
    if Signal.RENAMED in ctx.signals and ctx.suggested_url:
        suggestion = Suggestion(Action.REPLACE_URL, f"It moved and is {what}: point the link "
                                "at its new home, and consider an alternative.", ctx.suggested_url)
    else:
        suggestion = Suggestion(Action.REMOVE_OR_REPLACE,
                                f"It is {what}: replace it with a maintained alternative.")
    return Judgement(Verdict.STALE, suggestion=suggestion)


def missing_ref(ctx: Context) -> Judgement | None:
    if not ctx.signals & {Signal.REF_MISSING, Signal.PATH_MISSING}:
        return None
    what = "branch" if Signal.REF_MISSING in ctx.signals else "path"
    return Judgement(Verdict.BROKEN, suggestion=Suggestion(
        Action.REPLACE_URL, f"The linked {what} no longer exists: link the repository instead.",
        ctx.suggested_url))


def newer_edition(ctx: Context) -> Judgement | None:
    if Signal.NEWER_EDITION not in ctx.signals or ctx.facts.provider is None:
        return None
    title = ctx.facts.provider.suggested_text or "a newer edition"
    return Judgement(Verdict.STALE, suggestion=Suggestion(
        Action.UPDATE_EDITION, f"A newer edition exists: {title}.", ctx.suggested_url))


def unmaintained(ctx: Context) -> Judgement | None:
    latest = ctx.latest
    if ctx.facts.kind not in MAINTAINED_KINDS or latest is None or rank(latest.source) != 0:
        return None
    if latest.date >= months_before(ctx.today, ctx.policy.stale_after_months):
        return None
    return Judgement(Verdict.STALE, suggestion=Suggestion(
        Action.REVIEW_CONTENT, f"No update for over {ctx.policy.stale_after_months} months "
        f"(last: {latest.date}): check it is still maintained."))


def private(ctx: Context) -> Judgement | None:
    if Signal.PRIVATE not in ctx.signals:
        return None
    return Judgement(Verdict.REVIEW, suggestion=Suggestion(
        Action.CHECK_MANUALLY, "The video is private or cannot be embedded: check it plays."))


def old_content(ctx: Context) -> Judgement | None:
    years = ctx.policy.review_after_years.get(ctx.facts.kind)
    if years is None or ctx.latest is None or ctx.latest.date >= years_before(ctx.today, years):
        return None
    return Judgement(Verdict.REVIEW, Priority.LOW, suggestion=Suggestion(
        Action.REVIEW_CONTENT,
        f"Last updated {ctx.latest.date}, over {years} years ago: check it still holds."))


def known_or_not(ctx: Context) -> Judgement:
    provider = ctx.facts.provider
    known = ctx.latest is not None or (provider is not None and provider.found)
    suggestion = None
    if Signal.RENAMED in ctx.signals and ctx.suggested_url:
        suggestion = Suggestion(Action.REPLACE_URL, "It moved: point the link at its new home.",
                                ctx.suggested_url)
    elif not ctx.facts.has_url and ctx.suggested_url:
        suggestion = Suggestion(Action.ADD_URL, add_link_text(provider), ctx.suggested_url)
    return Judgement(Verdict.FRESH if known else Verdict.UNKNOWN, suggestion=suggestion)


# How a suggestion names the upstream that knows a resource.
PROVIDER_LABEL: Mapping[str, str] = {
    "openlibrary": "Open Library", "github": "GitHub", "youtube": "YouTube", "pypi": "PyPI",
    "substack": "Substack", "medium": "Medium",
}


def add_link_text(provider: ProviderResult | None) -> str:
    """``No link yet: add its Open Library page ("Learning Git").``"""
    if provider is None:
        return "No link yet: add a link to this page."
    label = PROVIDER_LABEL.get(provider.provider, provider.provider)
    title = f' ("{provider.title}")' if provider.title else ""
    return f"No link yet: add its {label} page{title}."


# In order; the first rule that returns a judgement decides.
RULES: tuple[Rule, ...] = (removed, gone_repository, missing_ref, newer_edition, unmaintained,
                           private, old_content)


def judge(facts: Facts, policy: PolicySettings, today: date) -> Judgement:
    """The verdict on one resource, with its evidence and a suggested action."""
    dates, dropped = usable_dates(facts, today, policy)
    latest = last_updated(dates)
    ctx = Context(facts, latest, policy, today)
    decided = next((j for rule in RULES if (j := rule(ctx)) is not None), None)
    decided = decided or known_or_not(ctx)
    return replace(decided, last_updated=latest.date if latest else None,
                   date_source=latest.source if latest else None,
                   evidence=evidence_for(facts, dates, dropped))


def evidence_for(facts: Facts, dates: tuple[DatedFact, ...],
                 dropped: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    evidence = [Evidence(d.field.value, d.date, d.source) for d in dates]
    provider = facts.provider
    if provider is not None:
        evidence += provider.evidence
        if not provider.found:
            evidence.append(Evidence("unknown", provider.reason or "no answer", provider.provider))
    if facts.link_status is not None:
        evidence.append(Evidence("link", f"{facts.link_status} ({facts.link_reason})", "check"))
    return tuple(dict.fromkeys([*evidence, *dropped]))


def dates_from_metadata(metadata: Mapping[str, object]) -> tuple[DatedFact, ...]:
    """The scraped dates of a report's link metadata, validated (a report is a file we read).

    Reports without the `dates` list still carry the contract's `published`/`modified` keys.
    """
    raw = metadata.get("dates")
    items = raw if isinstance(raw, list) else [
        {"field": key, "date": metadata.get(key), "source": "page:metadata"}
        for key in ("published", "modified")
    ]
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        field, day, source = item.get("field"), item.get("date"), item.get("source")
        if (field in ("published", "modified") and isinstance(day, str)
                and isinstance(source, str) and parse_date(day) == day):
            found.append(DatedFact(DateField(field), day, source[:80]))
    return tuple(found)
