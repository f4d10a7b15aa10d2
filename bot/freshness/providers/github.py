"""GitHub repositories: archived, disabled, deleted, renamed, last push, release, branch, path.

REST without a token (about 3 calls a repository); with a token, GraphQL answers up to
`graphql_batch` repositories in one POST. The token is sent to the configured API origins only
(see `http.Credentials`). A renamed or transferred repository answers 301 to its new home; the
new https://github.com/owner/name URL becomes a suggested replacement.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from bot.freshness.dates import parse_date
from bot.freshness.providers.http import Answer, Credentials, ProviderError, origin, request
from bot.freshness.providers.interface import ProviderResult, Signal
from bot.freshness.record import DatedFact, DateField, Evidence
from bot.freshness.settings import FreshnessSettings
from bot.roadmap.schema import Resource

NAME = "github"
WEB = "https://github.com"
HOSTS = frozenset({"github.com", "www.github.com"})
# First path segments that are GitHub pages, not owners.
RESERVED = frozenset({
    "about", "apps", "collections", "contact", "customer-stories", "enterprise", "explore",
    "features", "login", "marketplace", "orgs", "pricing", "search", "settings", "sponsors",
    "topics", "trending", "users", "join", "new", "notifications", "organizations",
})
TOKEN_HOSTS = frozenset({"api.github.com"})
REF_KINDS = frozenset({"tree", "blob"})
MAX_REF_SEGMENTS = 4  # branch names with slashes: try "a", "a/b", ... this far
ACCEPT = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def may_carry_token(url: str) -> bool:
    """Only https://api.github.com, or loopback (the tests' fakes), may receive the token."""
    scheme, host, _ = origin(url)
    if host in TOKEN_HOSTS:
        return scheme == "https"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass(frozen=True, slots=True)
class RepoLink:
    """A github.com URL read as owner/name plus an optional /tree|blob/<ref>/<path>."""

    owner: str
    name: str
    kind: str | None = None  # "tree" or "blob"
    rest: tuple[str, ...] = ()  # ref and path segments, still joined ambiguously

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def ref_candidates(self) -> list[tuple[str, str]]:
        """(ref, path) splits to try, shortest ref first."""
        limit = min(len(self.rest), MAX_REF_SEGMENTS)
        return [("/".join(self.rest[:i]), "/".join(self.rest[i:])) for i in range(1, limit + 1)]

    def web_url(self, full_name: str) -> str:
        tail = f"/{self.kind}/{'/'.join(self.rest)}" if self.kind and self.rest else ""
        return f"{WEB}/{full_name}{tail}"


def parse_repo_url(url: str | None) -> RepoLink | None:
    if not url:
        return None
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0].lower() in RESERVED:
        return None
    owner, name = segments[0], segments[1].removesuffix(".git")
    if not (_NAME.match(owner) and _NAME.match(name)):
        return None
    if len(segments) > 3 and segments[2] in REF_KINDS:
        return RepoLink(owner, name, segments[2], tuple(segments[3:]))
    return RepoLink(owner, name)


@dataclass(frozen=True, slots=True)
class RepoFacts:
    """What either API said of a repository, in one shape for `result`."""

    full_name: str
    archived: bool
    disabled: bool
    pushed_at: str | None
    stars: int | None
    release: tuple[str, str | None] | None  # (tag, published date)
    ref_exists: bool | None  # None: not asked, or could not tell
    path_exists: bool | None
    via: str  # "rest" or "graphql"


class GitHubProvider:
    """GitHub repositories linked from the roadmap."""

    name = NAME
    only_without_page_date = False

    def __init__(self, settings: FreshnessSettings) -> None:
        self.api = settings.github_api.rstrip("/")
        self.graphql = settings.github_graphql
        self.timeout = settings.timeout
        self.batch = settings.graphql_batch
        endpoints = [settings.github_api, settings.github_graphql]
        # A pull request can edit the config file: the token goes nowhere but GitHub's API.
        token = settings.github_token if all(map(may_carry_token, endpoints)) else None
        self.credentials = Credentials.for_hosts(token, endpoints)

    def matches(self, resource: Resource) -> bool:
        return parse_repo_url(resource.url) is not None

    def key(self, resource: Resource) -> str:
        link = parse_repo_url(resource.url)
        return f"{NAME}:{link.full_name.lower()}:{link.kind}:{'/'.join(link.rest)}" if link else ""

    async def fetch(self, resource: Resource, http: aiohttp.ClientSession) -> ProviderResult:
        link = parse_repo_url(resource.url)
        if link is None:
            return ProviderResult.unknown(NAME, "not a repository URL")
        try:
            return await self._rest(link, http)
        except ProviderError as exc:
            return ProviderResult.unknown(NAME, exc.reason)

    async def fetch_all(
        self, resources: Sequence[Resource], http: aiohttp.ClientSession
    ) -> Mapping[str, ProviderResult]:
        """GraphQL in batches when a token is set; without one, nothing (REST one by one)."""
        if self.credentials is None:
            return {}
        links = {self.key(r): link for r in resources if (link := parse_repo_url(r.url))}
        items = list(links.items())
        found: dict[str, ProviderResult] = {}
        for start in range(0, len(items), self.batch):
            found.update(await self._graphql_batch(dict(items[start:start + self.batch]), http))
        return found

    # --- REST -------------------------------------------------------------------------

    async def _get(self, http: aiohttp.ClientSession, path: str) -> Answer:
        return await request(http, f"{self.api}{path}", headers=ACCEPT,
                             credentials=self.credentials, timeout=self.timeout)

    async def _rest(self, link: RepoLink, http: aiohttp.ClientSession) -> ProviderResult:
        answer = await self._get(http, f"/repos/{link.full_name}")
        if answer.status != 200:
            return _missing_repo(link, answer)
        repo = answer.json()
        if not isinstance(repo, dict) or not isinstance(repo.get("full_name"), str):
            return ProviderResult.unknown(NAME, "unexpected repository JSON")
        full = repo["full_name"]
        release = await self._latest_release(http, full)
        ref_exists, path_exists = await self._ref_and_path(http, full, link)
        facts = RepoFacts(full, bool(repo.get("archived")), bool(repo.get("disabled")),
                          repo.get("pushed_at"), repo.get("stargazers_count"), release,
                          ref_exists, path_exists, "rest")
        return result(link, facts)

    async def _latest_release(self, http: aiohttp.ClientSession,
                              full: str) -> tuple[str, str | None] | None:
        answer = await self._get(http, f"/repos/{full}/releases/latest")
        if answer.status != 200:
            return None  # 404: no releases, which is common and says nothing bad
        data = answer.json()
        if not isinstance(data, dict) or not isinstance(data.get("tag_name"), str):
            return None
        return data["tag_name"], parse_date(data.get("published_at"))

    async def _ref_and_path(self, http: aiohttp.ClientSession, full: str,
                            link: RepoLink) -> tuple[bool | None, bool | None]:
        if not link.rest:
            return None, None
        unsure = False
        for ref, path in link.ref_candidates():
            answer = await self._get(http, f"/repos/{full}/branches/{quote(ref, safe='')}")
            if answer.status == 200:
                return True, await self._path_exists(http, full, ref, path)
            unsure = unsure or answer.status != 404
        # Not a branch: a tag or a commit SHA still resolves through /commits/{ref}.
        first = link.rest[0]
        answer = await self._get(http, f"/repos/{full}/commits/{quote(first, safe='')}")
        if answer.status == 200:
            return True, await self._path_exists(http, full, first, "/".join(link.rest[1:]))
        if unsure or answer.status not in (404, 422):
            return None, None
        return False, None

    async def _path_exists(self, http: aiohttp.ClientSession, full: str, ref: str,
                           path: str) -> bool | None:
        if not path:
            return None
        answer = await self._get(http, f"/repos/{full}/contents/{quote(path)}"
                                       f"?ref={quote(ref, safe='')}")
        return {200: True, 404: False}.get(answer.status)

    # --- GraphQL ----------------------------------------------------------------------

    async def _graphql_batch(self, links: Mapping[str, RepoLink],
                             http: aiohttp.ClientSession) -> dict[str, ProviderResult]:
        query, variables, aliases = build_query(links)
        try:
            answer = await request(http, self.graphql, method="POST",
                                   json_body={"query": query, "variables": variables},
                                   headers=ACCEPT, credentials=self.credentials,
                                   timeout=self.timeout)
            data = answer.json() if answer.status == 200 else None
        except ProviderError:
            return {}  # the caller falls back to REST, one repository at a time
        if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
            return {}
        missing = _not_found_aliases(data.get("errors"))
        found: dict[str, ProviderResult] = {}
        for alias, key in aliases.items():
            node = data["data"].get(alias)
            if isinstance(node, dict):
                found[key] = result(links[key], _graphql_facts(node, links[key], alias))
            elif alias in missing:
                found[key] = _deleted(links[key], "GraphQL: NOT_FOUND")
        return found


def build_query(links: Mapping[str, RepoLink]) -> tuple[str, dict[str, str], dict[str, str]]:
    """One aliased query for many repositories; values travel as variables, never spliced."""
    parts, declared, variables, aliases = [], [], {}, {}
    for index, (key, link) in enumerate(links.items()):
        alias = f"r{index}"
        aliases[alias] = key
        variables[f"o{index}"], variables[f"n{index}"] = link.owner, link.name
        declared += [f"$o{index}: String!", f"$n{index}: String!"]
        objects = []
        for j, (ref, path) in enumerate(link.ref_candidates()):
            variables[f"c{index}_{j}"] = ref
            variables[f"p{index}_{j}"] = f"{ref}:{path}"
            declared += [f"$c{index}_{j}: String!", f"$p{index}_{j}: String!"]
            objects.append(f"c{j}: object(expression: $c{index}_{j}) {{ oid }} "
                           f"p{j}: object(expression: $p{index}_{j}) {{ oid }}")
        parts.append(
            f"{alias}: repository(owner: $o{index}, name: $n{index}) {{ nameWithOwner "
            f"isArchived isDisabled pushedAt stargazerCount "
            f"latestRelease {{ tagName publishedAt }} {' '.join(objects)} }}"
        )
    query = f"query({', '.join(declared)}) {{ {' '.join(parts)} }}"
    return query, variables, aliases


def _not_found_aliases(errors: Any) -> set[str]:
    found = set()
    for error in errors if isinstance(errors, list) else []:
        path = error.get("path") if isinstance(error, dict) else None
        if error.get("type") == "NOT_FOUND" and isinstance(path, list) and path:
            found.add(str(path[0]))
    return found


def _graphql_facts(node: Mapping[str, Any], link: RepoLink, alias: str) -> RepoFacts:
    release = node.get("latestRelease")
    ref_exists: bool | None = None
    path_exists: bool | None = None
    for j, (_ref, path) in enumerate(link.ref_candidates()):
        if node.get(f"c{j}"):
            ref_exists, path_exists = True, (bool(node.get(f"p{j}")) if path else None)
            break
        ref_exists = False
    return RepoFacts(
        str(node.get("nameWithOwner") or link.full_name), bool(node.get("isArchived")),
        bool(node.get("isDisabled")), node.get("pushedAt"), node.get("stargazerCount"),
        (release["tagName"], parse_date(release.get("publishedAt")))
        if isinstance(release, dict) and release.get("tagName") else None,
        ref_exists, path_exists, "graphql",
    )


# --- from facts to a result (pure) ----------------------------------------------------


def _missing_repo(link: RepoLink, answer: Answer) -> ProviderResult:
    if answer.status in (404, 410):
        return _deleted(link, f"REST: HTTP {answer.status}")
    if answer.status == 451:
        return ProviderResult(NAME, signals=frozenset({Signal.DISABLED}), evidence=(
            Evidence("disabled", "access blocked (HTTP 451)", "github:rest"),))
    if answer.status in (403, 429):
        return ProviderResult.unknown(NAME, "rate_limited")
    return ProviderResult.unknown(NAME, f"http_{answer.status}")


def _deleted(link: RepoLink, how: str) -> ProviderResult:
    return ProviderResult(NAME, signals=frozenset({Signal.DELETED}), evidence=(
        Evidence("repository", f"{link.full_name} not found (deleted or private)",
                 f"github:{how}"),))


def result(link: RepoLink, facts: RepoFacts) -> ProviderResult:
    """The provider result for what the API said; pure."""
    source = f"github:{facts.via}"
    signals: set[Signal] = set()
    evidence = [Evidence("stars", str(facts.stars), source)] if facts.stars is not None else []
    for flag, signal in ((facts.archived, Signal.ARCHIVED), (facts.disabled, Signal.DISABLED)):
        if flag:
            signals.add(signal)
            evidence.append(Evidence(signal.value, "true", source))
    renamed = facts.full_name.lower() != link.full_name.lower()
    if renamed:
        signals.add(Signal.RENAMED)
        evidence.append(Evidence("renamed", f"{link.full_name} -> {facts.full_name}", source))
    if facts.release:
        evidence.append(Evidence("latest release", f"{facts.release[0]} ({facts.release[1]})",
                                 source))
    signals |= _ref_signals(link, facts, evidence, source)
    pushed = parse_date(facts.pushed_at)
    dates = (DatedFact(DateField.MODIFIED, pushed, "github:pushed_at"),) if pushed else ()
    suggested = _suggested_url(link, facts, signals, renamed)
    return ProviderResult(NAME, title=facts.full_name, dates=dates, evidence=tuple(evidence),
                          signals=frozenset(signals), suggested_url=suggested)


def _ref_signals(link: RepoLink, facts: RepoFacts, evidence: list[Evidence],
                 source: str) -> set[Signal]:
    where = "/".join(link.rest)
    if facts.ref_exists is False:
        evidence.append(Evidence("branch", f"{where}: no such branch, tag or commit", source))
        return {Signal.REF_MISSING}
    if facts.path_exists is False:
        evidence.append(Evidence("path", f"{where}: no such path on that branch", source))
        return {Signal.PATH_MISSING}
    return set()


def _suggested_url(link: RepoLink, facts: RepoFacts, signals: set[Signal],
                   renamed: bool) -> str | None:
    if signals & {Signal.REF_MISSING, Signal.PATH_MISSING}:
        return f"{WEB}/{facts.full_name}"  # the repository root still answers
    if renamed:
        return link.web_url(facts.full_name)
    return None
