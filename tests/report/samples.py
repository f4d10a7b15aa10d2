"""Report fixtures for the renderer tests: a small hand-made one and a realistic one of roadmap.yaml."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.model import Hop, LinkResult, Method, Opinion, Report, Source, Status, Verification
from bot.roadmap.load import load_roadmap
from bot.roadmap.schema import placements

ROOT = Path(__file__).resolve().parents[2]
GENERATED_AT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
HOSTILE_TITLE = '</script><script>alert("pwned")</script><img src=x onerror=alert(1)> @all #1'


def _src(line: int, resource: str, rid: str, section: str) -> Source:
    return Source("roadmap.yaml", line, resource, rid, section)


SEEN_ALIVE = Verification(Method.ARCHIVE, "https://web.archive.org/web/*/https://walled.example/x",
                          Opinion.ALIVE, "2026-11-02",
                          "seen alive by the Internet Archive on 2026-11-02")


def small_report(*, previous: bool = True, inconclusive: bool = False) -> Report:
    """Six links, one of each status, with history, freshness and a hostile scraped title."""
    links = (
        LinkResult("https://gone.example/book", Status.BROKEN, "http_404", 404,
                   sources=(_src(12, "Python Crash Course", "pcc", "1.1. Python & IDEs"),
                            _src(140, "Python Crash Course", "pcc", "5. MLOps Components"))),
        LinkResult("https://old.example/k8s", Status.REDIRECTED, "permanent_redirect", 301,
                   final_url="https://new.example/k8s",
                   redirects=(Hop("https://old.example/k8s", 301),),
                   sources=(_src(80, "Kubernetes mastery", "k8s", "2.2. Kubernetes"),)),
        LinkResult("https://walled.example/x", Status.BLOCKED, "bot_protection", 403,
                   sources=(_src(30, "Learn | Python *3*", "lp3", "1.1. Python & IDEs"),),
                   verification=SEEN_ALIVE),
        LinkResult("https://slow.example/", Status.ERROR, "timeout",
                   sources=(_src(200, "Slow site", "slow", "5.10. Later"),)),
        LinkResult("http://10.0.0.1/", Status.SKIPPED, "private_address",
                   sources=(_src(210, "Intranet", "intra", "5.2. Orchestration"),)),
        LinkResult("https://fine.example/", Status.OK, "http_200", 200,
                   sources=(_src(20, "Fine docs", "fine", "1.1. Python & IDEs"),),
                   metadata={"title": HOSTILE_TITLE}),
    )
    extra: dict[str, Any] = {
        "history": {
            "https://gone.example/book": [{"at": f"2026-11-{d:02d}T03:00:00Z", "status": s}
                                          for d, s in ((25, "ok"), (26, "error"),
                                                       (27, "broken"))],
            "https://fine.example/": [{"at": "2026-11-27T03:00:00Z", "status": "ok"}],
        },
        "freshness": {
            "pcc": _fresh("pcc", "Python Crash Course", "book", "https://gone.example/book",
                          "1.1. Python & IDEs", "2019-05-03", "stale",
                          "A 3rd edition exists (2023)", "https://nostarch.com/pcc3"),
            "fine": _fresh("fine", HOSTILE_TITLE, "docs", "https://fine.example/",
                           "1.1. Python & IDEs", "2026-10-01", "fresh", None),
            "k8s": _fresh("k8s", "Kubernetes mastery", "course", "https://old.example/k8s",
                          "2.2. Kubernetes", None, "review", "Check the course is still sold",
                          "javascript:alert(1)"),
            "book-no-link": _fresh("book-no-link", "Designing ML Systems", "book", None,
                                   "4. MLOps Principles", "2022-06-01", "unknown", None),
        },
    }
    if previous:
        extra["previous_summary"] = {"total": 5, "ok": 3, "redirected": 1, "broken": 0,
                                     "blocked": 1, "error": 0, "skipped": 0}
    return Report(("roadmap.yaml",), GENERATED_AT, links, inconclusive,
                  "most hosts failed at the DNS level" if inconclusive else None, extra=extra)


def _fresh(rid: str, title: str, kind: str, url: str | None, section: str,
           updated: str | None, verdict: str, advice: str | None,
           advice_url: str | None = None) -> dict[str, Any]:
    return {
        "resource_id": rid, "title": title, "kind": kind, "url": url, "section": section,
        "last_updated": updated, "date_source": "page" if updated else None,
        "verdict": verdict, "priority": "normal",
        "evidence": [{"fact": "modified", "value": updated, "source": "meta"}] if updated else [],
        "suggestion": {"action": "review", "text": advice, "url": advice_url} if advice else None,
        "provider": "page",
    }


# A realistic night for the screenshot and the browser test: a few of each kind of trouble.
_VERDICTS: dict[str, tuple[Status, str, int | None]] = {
    "pytest-datacamp-track": (Status.BROKEN, "http_404", 404),
    "udemy-bash-mastery": (Status.BROKEN, "soft_404", 200),
    "feast-feature-store-part-3": (Status.BROKEN, "dns", None),
    "python-crash-course": (Status.BLOCKED, "bot_protection", 503),
    "leetcode-python-problems": (Status.BLOCKED, "http_403", 403),
    "k9s": (Status.REDIRECTED, "permanent_redirect", 301),
    "ml-deployment-k8s-fastapi": (Status.REDIRECTED, "permanent_redirect", 301),
    "mlcourse-ai": (Status.ERROR, "timeout", None),
}


def roadmap_report() -> Report:
    """Every link of the real roadmap.yaml, mostly ok, with history and freshness."""
    doc = load_roadmap(str(ROOT / "roadmap.yaml"))
    by_url: dict[str, list[tuple[str, Source, str]]] = {}
    fresh: dict[str, Any] = {}
    for index, place in enumerate(placements(doc.roadmap)):
        res = place.resource
        source = Source("roadmap.yaml", doc.lines.get(res.id), res.title, res.id, place.heading)
        fresh[res.id] = _roadmap_freshness(index, res.id, res.title, res.kind.value, res.url,
                                           place.heading)
        if res.url:
            by_url.setdefault(res.url, []).append((res.id, source, res.kind.value))
    links = tuple(_roadmap_link(url, found) for url, found in by_url.items())
    runs = {link.url: _runs(i, link.status) for i, link in enumerate(links)}
    extra = {"freshness": fresh, "history": runs,
             "previous_summary": {"total": len(links), "ok": len(links) - 6, "redirected": 2,
                                  "broken": 1, "blocked": 2, "error": 1, "skipped": 0}}
    return Report(("roadmap.yaml",), GENERATED_AT, links, extra=extra)


def _roadmap_link(url: str, found: list[tuple[str, Source, str]]) -> LinkResult:
    status, reason, code = Status.OK, "http_200", 200
    for rid, _, _ in found:
        status, reason, code = _VERDICTS.get(rid, (status, reason, code))
    final = url.rstrip("/") + "/" if status is Status.REDIRECTED else None
    if status is Status.REDIRECTED and "github.com" in url:
        final = url.replace("/tree/main", "")
    return LinkResult(url, status, reason, code, final_url=final, attempts=1,
                      sources=tuple(source for _, source, _ in found))


def _roadmap_freshness(index: int, rid: str, title: str, kind: str, url: str | None,
                       section: str) -> dict[str, Any]:
    age = (index * 97 + 41) % 1900  # spread the ages over five years, deterministically
    updated = None if index % 7 == 3 else (GENERATED_AT.date() - timedelta(days=age)).isoformat()
    verdict = "unknown" if updated is None else ("stale" if age > 1100 else
                                                 "review" if age > 700 else "fresh")
    advice = "Look for a newer edition or replacement" if verdict == "stale" else None
    return _fresh(rid, title, kind, url, section, updated, verdict, advice)


def _runs(index: int, status: Status) -> list[dict[str, str]]:
    start = date(2026, 11, 14)
    cells = []
    for day in range(14):
        value = "ok"
        if status is not Status.OK and day >= 14 - (index % 5 + 2):
            value = status.value
        elif (index + day) % 23 == 0:
            value = "error"
        cells.append({"at": f"{start + timedelta(days=day)}T03:00:00Z", "status": value})
    return cells
