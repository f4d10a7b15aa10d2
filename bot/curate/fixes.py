"""Mechanical URL fixes, pure: redirects, https upgrades, tracking parameters, renamed repos.

Only changes a machine can prove go into the PR; anything that needs judgement is an issue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from bot.curate.escape import code
from bot.curate.model import Fix, FixKind, Place
from bot.curate.settings import CurateSettings
from bot.model import LinkResult, Report, Status, Via

# Parameters that only say where a click came from, on every host.
TRACKING_EVERYWHERE = frozenset(
    {
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "fbclid",
        "msclkid",
        "yclid",
        "gad_source",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "igshid",
        "mkt_tok",
    }
)
TRACKING_PREFIXES = ("utm_",)


@dataclass(frozen=True, slots=True)
class HostRule:
    """Parameters that are tracking on one family of hosts only (elsewhere they may matter)."""

    name: str
    host: re.Pattern[str]
    params: frozenset[str]
    prefixes: tuple[str, ...] = ()
    strip_ref_path: bool = False  # Amazon's "/ref=..." last path segment


HOST_RULES: tuple[HostRule, ...] = (
    HostRule(
        "amazon",
        re.compile(r"(^|\.)amazon\.(com|co\.uk|de|fr|es|it|ca|in|co\.jp|com\.au|nl)$"),
        frozenset(
            {
                "ref",
                "ref_",
                "store_ref",
                "qid",
                "sr",
                "crid",
                "sprefix",
                "dib",
                "dib_tag",
                "content-id",
                "isDramIntegrated",
                "shoppingPortalEnabled",
                "psc",
            }
        ),
        prefixes=("pf_rd_", "pd_rd_"),
        strip_ref_path=True,
    ),
    HostRule(
        "youtube", re.compile(r"(^|\.)(youtube\.com|youtu\.be)$"), frozenset({"si", "feature"})
    ),
    HostRule("linkedin", re.compile(r"(^|\.)linkedin\.com$"), frozenset({"trk", "trackingId"})),
    HostRule("medium", re.compile(r"(^|\.)medium\.com$"), frozenset({"source"})),
)


def _rule(host: str) -> HostRule | None:
    return next((rule for rule in HOST_RULES if rule.host.search(host)), None)


def _is_tracking(name: str, rule: HostRule | None) -> bool:
    if name in TRACKING_EVERYWHERE or name.lower().startswith(TRACKING_PREFIXES):
        return True
    return rule is not None and (name in rule.params or name.startswith(rule.prefixes))


def strip_tracking(url: str) -> str:
    """The URL without tracking parameters; everything else byte for byte as it was."""
    parts = urlsplit(url)
    rule = _rule((parts.hostname or "").lower())
    kept = [
        p
        for p in parts.query.split("&")
        if p and not _is_tracking(unquote(p.split("=", 1)[0]), rule)
    ]
    path = parts.path
    if rule is not None and rule.strip_ref_path:
        path = re.sub(r"/ref=[^/]*$", "/", path)
    if kept == [p for p in parts.query.split("&") if p] and path == parts.path:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, "&".join(kept), parts.fragment))


def safe_redirect(old: str, new: str) -> bool:
    """A permanent redirect a machine may follow: no downgrade, no credentials, no homepage."""
    before, after = urlsplit(old), urlsplit(new)
    if after.scheme not in ("http", "https") or after.username or after.password:
        return False
    if before.scheme == "https" and after.scheme == "http":
        return False
    deep = before.path.strip("/") != ""
    return not (deep and after.path.strip("/") == "" and not after.query)


def https_variant(url: str) -> str | None:
    return "https://" + url[len("http://") :] if url.startswith("http://") else None


def _redirect(
    result: LinkResult, report: Mapping[str, LinkResult]
) -> tuple[str, FixKind, str] | None:
    final = result.final_url
    if result.status is not Status.REDIRECTED or not final or not safe_redirect(result.url, final):
        return None
    first = result.redirects[0] if result.redirects else None
    if first is None or first.via is Via.HTTP:
        how = f"{first.status if first else 301} permanent redirect"
    else:  # a static site's redirect page (meta refresh or script)
        how = f"the page's own {first.via.value.replace('_', ' ')}"
    return (final, FixKind.REDIRECT, f"{how} from {code(result.url)} to {code(final)}")


def _https(result: LinkResult, report: Mapping[str, LinkResult]) -> tuple[str, FixKind, str] | None:
    target = https_variant(result.url)
    if target is None:
        return None
    twin = report.get(target)
    if result.final_url == target and result.status is Status.OK:
        return target, FixKind.HTTPS, f"{code(result.url)} itself sends readers to {code(target)}"
    if twin is not None and twin.status is Status.OK:
        return target, FixKind.HTTPS, f"{code(target)} answered {twin.http_status or 'OK'} this run"
    return None


Rule = Callable[[LinkResult, Mapping[str, LinkResult]], "tuple[str, FixKind, str] | None"]
ADDRESS_RULES: tuple[Rule, ...] = (_redirect, _https)


def _renamed(url: str, freshness: Mapping[str, Mapping[str, Any]]) -> tuple[str, str] | None:
    for record in freshness.values():
        suggestion = record.get("suggestion") or {}
        if (
            record.get("url") == url
            and suggestion.get("action") == "replace_url"
            and suggestion.get("url")
        ):
            return str(suggestion["url"]), str(suggestion.get("text") or "renamed")
    return None


def fix_for(
    result: LinkResult, by_url: Mapping[str, LinkResult], freshness: Mapping[str, Mapping[str, Any]]
) -> Fix | None:
    """The one fix for a URL, combining every rule that applies (redirect, then tracking)."""
    new, kinds, evidence = result.url, [], []
    for rule in ADDRESS_RULES:
        found = rule(result, by_url)
        if found:
            new, kind, why = found
            kinds.append(kind)
            evidence.append(why)
            break
    renamed = _renamed(result.url, freshness) if not kinds else None
    if renamed and safe_redirect(result.url, renamed[0]):
        new = renamed[0]
        kinds.append(FixKind.RENAMED_REPO)
        evidence.append(f"renamed: {code(new)} ({code(renamed[1], 120)})")
    stripped = strip_tracking(new)
    if stripped != new:
        kinds.append(FixKind.TRACKING)
        evidence.append(f"tracking parameters removed: {code(new)} → {code(stripped)}")
    if stripped == result.url:
        return None
    return Fix(result.url, stripped, tuple(kinds), tuple(evidence), _places(result))


def tracking_fix(result: LinkResult) -> Fix | None:
    stripped = strip_tracking(result.url)
    if stripped == result.url:
        return None
    why = f"tracking parameters removed: {code(result.url)} → {code(stripped)}"
    return Fix(result.url, stripped, (FixKind.TRACKING,), (why,), _places(result))


def _places(result: LinkResult) -> tuple[Place, ...]:
    return tuple(Place(s.file, s.line, s.section, s.resource, s.resource_id)
                 for s in result.sources)


def plan_fixes(
    report: Report,
    freshness: Mapping[str, Mapping[str, Any]] | None,
    settings: CurateSettings,
    rejected: Iterable[str] = (),
    owns: Callable[[str], bool] | None = None,
) -> tuple[Fix, ...]:
    """Every fix for URLs of the source of truth (`owns` its files; default roadmap.yaml)
    that are not broken, minus the rejected ones."""
    if report.inconclusive:
        return ()
    by_url = {result.url: result for result in report.links}
    refused = frozenset(rejected)
    fixes = []
    owned = owns or (lambda file: file.endswith(settings.roadmap_path))
    for result in report.links:
        in_source = any(owned(s.file) for s in result.sources)
        if not in_source or settings.ignored(result.url):
            continue
        if result.status is Status.BROKEN:
            continue  # a broken link needs a person, not a cleaner URL
        if result.status in (Status.OK, Status.REDIRECTED):
            fix = fix_for(result, by_url, freshness or {})
        else:  # blocked or inconclusive: only what needs no answer (tracking parameters)
            fix = tracking_fix(result)
        if fix is not None and fix.fix_id not in refused:
            fixes.append(fix)
    return tuple(sorted(fixes, key=lambda f: f.old))
