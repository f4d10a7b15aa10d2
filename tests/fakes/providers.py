"""Fake upstreams for freshness providers: GitHub REST + GraphQL, YouTube oEmbed, PyPI JSON,
Open Library search, Substack's post API and Medium feeds, on loopback, with realistic bodies.

Each fake records every request (path, query, Authorization header, which server) so tests can
count API calls and check where the token went. GitHub runs on 127.0.0.1, the other upstreams
on 127.0.0.2, and `elsewhere` (a redirect target off the GitHub host) on 127.0.0.3.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.freshness.settings import FreshnessSettings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PUSHED_RECENTLY = "2026-09-14T08:21:09Z"


def _repo(rid: int, full_name: str, **overrides: Any) -> dict[str, Any]:
    owner, name = full_name.split("/")
    data: dict[str, Any] = {
        "id": rid, "node_id": f"R_kgDO{rid}", "name": name, "full_name": full_name,
        "private": False, "owner": {"login": owner, "id": rid * 7, "type": "User"},
        "html_url": f"https://github.com/{full_name}", "description": f"{name} repository",
        "fork": False, "url": f"https://api.github.com/repos/{full_name}",
        "created_at": "2021-03-01T10:00:00Z", "updated_at": "2026-10-01T10:00:00Z",
        "pushed_at": PUSHED_RECENTLY, "stargazers_count": 512, "watchers_count": 512,
        "forks_count": 80, "open_issues_count": 3, "default_branch": "main",
        "archived": False, "disabled": False, "visibility": "public",
    }
    data.update(overrides)
    return data


@dataclass
class GitHubData:
    """The fake GitHub's repositories, renames, branches, paths and releases."""

    repos: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "sayakpaul/ml-deployment-k8s-fastapi": _repo(1001, "sayakpaul/ml-deployment-k8s-fastapi",
                                                     stargazers_count=1460),
        "octo/archived-tool": _repo(1002, "octo/archived-tool", archived=True,
                                    pushed_at="2021-02-03T04:05:06Z"),
        "new-owner/new-name": _repo(1003, "new-owner/new-name"),
        "octo/quiet": _repo(1004, "octo/quiet", pushed_at="2023-01-10T00:00:00Z"),
        "octo/disabled": _repo(1005, "octo/disabled", disabled=True),
    })
    # old full name -> repository id: the API answers 301 to /repositories/{id}
    renamed: dict[str, int] = field(default_factory=lambda: {"old-owner/old-name": 1003})
    branches: dict[str, set[str]] = field(default_factory=lambda: {
        "sayakpaul/ml-deployment-k8s-fastapi": {"main"},
        "new-owner/new-name": {"main", "feature/deep"},
        "octo/quiet": {"main"},
    })
    tags: dict[str, set[str]] = field(default_factory=lambda: {"octo/quiet": {"v1.0"}})
    paths: dict[str, set[str]] = field(default_factory=lambda: {
        "new-owner/new-name": {"main:docs", "main:docs/guide.md", "feature/deep:src"},
        "octo/quiet": {"v1.0:README.md"},
    })
    releases: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "sayakpaul/ml-deployment-k8s-fastapi": {
            "tag_name": "v0.3.0", "name": "v0.3.0", "draft": False, "prerelease": False,
            "created_at": "2024-05-01T09:00:00Z", "published_at": "2024-05-02T09:00:00Z"},
    })
    off_host_redirects: dict[str, str] = field(default_factory=dict)  # full name -> URL


def _not_found() -> web.Response:
    return web.json_response({"message": "Not Found",
                              "documentation_url": "https://docs.github.com/rest",
                              "status": "404"}, status=404)


class FakeGitHub:
    """GitHub REST and GraphQL, enough of each for the provider, with real status codes."""

    def __init__(self, data: GitHubData | None = None) -> None:
        self.data = data or GitHubData()
        self.base = ""  # set when the server starts

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/repos/{owner}/{name}", self.repo),
            web.get("/repositories/{rid}", self.repo_by_id),
            web.get("/repos/{owner}/{name}/releases/latest", self.release),
            web.get("/repos/{owner}/{name}/branches/{branch:.+}", self.branch),
            web.get("/repos/{owner}/{name}/commits/{ref:.+}", self.commit),
            web.get("/repos/{owner}/{name}/contents/{path:.*}", self.contents),
            web.post("/graphql", self.graphql),
        ]

    def _full(self, request: web.Request) -> str:
        return f"{request.match_info['owner']}/{request.match_info['name']}".lower()

    async def repo(self, request: web.Request) -> web.Response:
        full = self._full(request)
        if full in self.data.off_host_redirects:
            raise web.HTTPMovedPermanently(self.data.off_host_redirects[full])
        if full in self.data.renamed:
            # As the real API: 301 with the canonical /repositories/{id} URL.
            location = f"{self.base}/repositories/{self.data.renamed[full]}"
            return web.json_response({"message": "Moved Permanently", "url": location},
                                     status=301, headers={"Location": location})
        if full in self.data.repos:
            return web.json_response(self.data.repos[full])
        return _not_found()

    async def repo_by_id(self, request: web.Request) -> web.Response:
        for repo in self.data.repos.values():
            if str(repo["id"]) == request.match_info["rid"]:
                return web.json_response(repo)
        return _not_found()

    async def release(self, request: web.Request) -> web.Response:
        found = self.data.releases.get(self._full(request))
        return web.json_response(found) if found else _not_found()

    async def branch(self, request: web.Request) -> web.Response:
        name = request.match_info["branch"]
        if name in self.data.branches.get(self._full(request), set()):
            return web.json_response({"name": name, "commit": {"sha": "a" * 40},
                                      "protected": False})
        return web.json_response({"message": "Branch not found"}, status=404)

    async def commit(self, request: web.Request) -> web.Response:
        full, ref = self._full(request), request.match_info["ref"]
        if ref in self.data.branches.get(full, set()) | self.data.tags.get(full, set()):
            return web.json_response({"sha": "b" * 40})
        return web.json_response({"message": f"No commit found for SHA: {ref}"}, status=422)

    async def contents(self, request: web.Request) -> web.Response:
        key = f"{request.query.get('ref', 'main')}:{request.match_info['path']}"
        if key in self.data.paths.get(self._full(request), set()):
            return web.json_response({"type": "dir", "path": request.match_info["path"]})
        return _not_found()

    # GraphQL: a small interpreter for `alias: repository(owner: $o, name: $n) { ... }`
    # with nested `alias: object(expression: $e) { oid }`, the shape the provider sends.
    _FIELD = re.compile(r"(\w+): (repository|object)\(([^)]*)\)")

    async def graphql(self, request: web.Request) -> web.Response:
        if not request.headers.get("Authorization"):
            return web.json_response({"message": "This endpoint requires you to be "
                                      "authenticated."}, status=401)
        body = await request.json()
        variables, data, errors = body.get("variables") or {}, {}, []
        current: str | None = None
        for alias, kind, args in self._FIELD.findall(body["query"]):
            values = {k.strip(): variables.get(v.strip().lstrip("$"))
                      for k, v in (a.split(":") for a in args.split(","))}
            if kind == "repository":
                current = alias
                data[alias] = self._graphql_repo(values["owner"], values["name"])
                if data[alias] is None:
                    errors.append({"type": "NOT_FOUND", "path": [alias], "locations": [],
                                   "message": "Could not resolve to a Repository with the name "
                                   f"'{values['owner']}/{values['name']}'."})
            elif current and data.get(current) is not None:
                data[current][alias] = self._graphql_object(data[current]["nameWithOwner"],
                                                            values["expression"])
        answer: dict[str, Any] = {"data": data}
        if errors:
            answer["errors"] = errors
        return web.json_response(answer)

    def _graphql_repo(self, owner: str, name: str) -> dict[str, Any] | None:
        full = f"{owner}/{name}".lower()
        if full in self.data.renamed:  # GraphQL follows renames silently
            full = next(k for k, v in self.data.repos.items()
                        if v["id"] == self.data.renamed[full])
        repo = self.data.repos.get(full)
        if repo is None:
            return None
        release = self.data.releases.get(full)
        return {
            "nameWithOwner": repo["full_name"], "isArchived": repo["archived"],
            "isDisabled": repo["disabled"], "pushedAt": repo["pushed_at"],
            "stargazerCount": repo["stargazers_count"],
            "latestRelease": {"tagName": release["tag_name"],
                              "publishedAt": release["published_at"]} if release else None,
        }

    def _graphql_object(self, full: str, expression: str) -> dict[str, str] | None:
        full = full.lower()
        refs = self.data.branches.get(full, set()) | self.data.tags.get(full, set())
        exists = expression in self.data.paths.get(full, set()) if ":" in expression \
            else expression in refs
        return {"oid": "c" * 40} if exists else None


# --- YouTube oEmbed ---------------------------------------------------------------------

YOUTUBE_VIDEOS: dict[str, tuple[str, str]] = {
    "3c-iBn73dDE": ("Docker Tutorial for Beginners [FULL COURSE in 3 Hours]", "TechWorld with Nana"),
    "d6WC5n9G_sM": ("Kubernetes Course - Full Beginners Tutorial", "freeCodeCamp.org"),
    "RGOj5yH7evk": ("Git and GitHub for Beginners - Crash Course", "freeCodeCamp.org"),
    "SLB_c_ayRMo": ("Terraform Course - Automate your AWS cloud infrastructure",
                    "freeCodeCamp.org"),
    "gxPykhPxRW0": ("Terraform explained in 15 mins | Terraform Tutorial for Beginners",
                    "TechWorld with Nana"),
}
YOUTUBE_PRIVATE = frozenset({"PRIVATEvid1"})


async def oembed(request: web.Request) -> web.Response:
    url = request.query.get("url", "")
    found = re.search(r"v=([A-Za-z0-9_-]{11})", url)
    vid = found[1] if found else ""
    if request.query.get("format") != "json" or not vid:
        return web.Response(status=400, text="Bad Request")
    if vid in YOUTUBE_PRIVATE:
        return web.Response(status=401, text="Unauthorized")
    if vid not in YOUTUBE_VIDEOS:
        return web.Response(status=404, text="Not Found")
    title, channel = YOUTUBE_VIDEOS[vid]
    return web.json_response({
        "title": title, "author_name": channel,
        "author_url": f"https://www.youtube.com/@{channel.replace(' ', '')}",
        "type": "video", "height": 113, "width": 200, "version": "1.0",
        "provider_name": "YouTube", "provider_url": "https://www.youtube.com/",
        "thumbnail_height": 360, "thumbnail_width": 480,
        "thumbnail_url": f"https://i.ytimg.com/vi/{vid}/hqdefault.jpg",
        "html": f'<iframe width="200" height="113" src="https://www.youtube.com/embed/{vid}'
                '?feature=oembed" frameborder="0" allowfullscreen></iframe>',
    })


# --- PyPI JSON --------------------------------------------------------------------------


def _file(name: str, version: str, when: str, kind: str = "bdist_wheel") -> dict[str, Any]:
    filename = f"{name}-{version}-py3-none-any.whl" if kind == "bdist_wheel" \
        else f"{name}-{version}.tar.gz"
    return {"filename": filename, "packagetype": kind, "python_version": "py3",
            "size": 27_000_000, "upload_time": when[:19], "upload_time_iso_8601": when,
            "url": f"https://files.pythonhosted.org/packages/xx/{filename}", "yanked": False,
            "yanked_reason": None, "digests": {"sha256": "0" * 64}}


def _project(name: str, summary: str, history: dict[str, str],
             classifiers: list[str] | None = None) -> dict[str, Any]:
    latest = list(history)[-1]
    releases = {v: [_file(name, v, when), _file(name, v, when, "sdist")]
                for v, when in history.items()}
    return {
        "info": {"name": name, "version": latest, "summary": summary,
                 "classifiers": classifiers or ["Programming Language :: Python :: 3"],
                 "home_page": "", "license": "Apache-2.0", "requires_python": ">=3.9",
                 "project_urls": {"Source": f"https://github.com/example/{name}"},
                 "yanked": False},
        "last_serial": 25_000_000,
        "releases": releases,
        "urls": releases[latest],
        "vulnerabilities": [],
    }


PYPI: dict[str, dict[str, Any]] = {
    "mlflow": _project("mlflow", "MLflow is an open source platform for the complete machine "
                       "learning lifecycle", {"2.22.0": "2025-04-24T10:01:02.123456Z",
                                              "3.6.0": "2026-11-05T17:42:10.654321Z"}),
    "dvc": _project("dvc", "Git for data scientists - manage your code and data together",
                    {"3.59.0": "2025-01-20T11:00:00.000000Z",
                     "3.63.0": "2026-09-30T09:15:00.000000Z"}),
    "old-thing": _project("old-thing", "Unmaintained", {"0.1": "2019-01-01T00:00:00Z"},
                          ["Development Status :: 7 - Inactive"]),
}


async def pypi_json(request: web.Request) -> web.Response:
    found = PYPI.get(request.match_info["package"].lower())
    if found is None:
        return web.json_response({"message": "Not Found"}, status=404)
    return web.json_response(found)


# --- Open Library search ----------------------------------------------------------------


def _doc(key: str, title: str, authors: list[str], count: int, years: list[int],
         subtitle: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"key": f"/works/{key}", "title": title, "author_name": authors,
                           "edition_count": count, "first_publish_year": min(years),
                           "publish_year": sorted(years, reverse=True)}
    if subtitle:
        doc["subtitle"] = subtitle
    return doc


OPENLIBRARY_DOCS: list[dict[str, Any]] = [
    _doc("OL17801018W", "Python Crash Course", ["Eric Matthes"], 14, [2015, 2016, 2019, 2023],
         "A Hands-On, Project-Based Introduction to Programming"),
    _doc("OL27258011W", "Python Crash Course, 3rd Edition", ["Eric Matthes"], 2, [2023]),
    _doc("OL20797285W", "Python Crash Course, 2nd Edition", ["Eric Matthes"], 3, [2019]),
    # Another book by the same author whose title starts alike: not a newer edition.
    _doc("OL40000001W", "Python Crash Course for Data Science, 5th Edition", ["Eric Matthes"],
         1, [2026]),
    _doc("OL16804452W", "The Linux Command Line", ["William E. Shotts Jr."], 6, [2012, 2019],
         "A Complete Introduction"),
    _doc("OL19356252W", "The Linux Command Line, 2nd Edition", ["William Shotts"], 2, [2019]),
    _doc("OL19740640W", "Terraform: Up & Running", ["Yevgeniy Brikman"], 5, [2017, 2019, 2022],
         "Writing Infrastructure as Code"),
    _doc("OL28377160W", "Terraform: Up and Running, 3rd Edition", ["Yevgeniy Brikman"], 1,
         [2022]),
    _doc("OL39912345W", "Terraform: Up and Running, Fourth Edition", ["Yevgeniy Brikman"], 1,
         [2026]),
    _doc("OL27938425W", "Designing Machine Learning Systems", ["Chip Huyen"], 4, [2022],
         "An Iterative Process for Production-Ready Applications"),
    _doc("OL24296578W", "Introducing MLOps", ["Mark Treveil", "Nicolas Omont"], 2, [2020]),
    _doc("OL32123456W", "Applied Machine Learning and AI for Engineers", ["Jeff Prosise"], 2,
         [2022]),
    _doc("OL34567890W", "Learning GitHub Actions", ["Brent Laster"], 1, [2023]),
    _doc("OL36789012W", "Learning Git", ["Anna Skoulikari"], 1, [2023]),
    _doc("OL99999999W", "Learning Git the Hard Way", ["Someone Else"], 1, [2010]),
    # One work for every edition: the search result names no edition number.
    _doc("OL19359817W", "Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow",
         ["Aurélien Géron"], 9, [2017, 2019, 2022, 2023],
         "Concepts, Tools, and Techniques to Build Intelligent Systems"),
]

# /works/ID/editions.json, as Open Library answers it (trimmed to the fields we read and a few
# we do not). Three numbered editions of one work, a reprint that names none, a translation.
OPENLIBRARY_EDITIONS: dict[str, list[dict[str, Any]]] = {
    "OL19359817W": [
        {"key": "/books/OL37785345M", "type": {"key": "/type/edition"},
         "title": "Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow",
         "subtitle": "Concepts, Tools, and Techniques to Build Intelligent Systems",
         "edition_name": "3rd ed.", "publish_date": "Nov 08, 2022", "publishers": ["O'Reilly"],
         "isbn_13": ["9781098125974"], "works": [{"key": "/works/OL19359817W"}]},
        {"key": "/books/OL48712345M", "title": "Hands-On Machine Learning with Scikit-Learn, "
         "Keras, and TensorFlow", "publish_date": "2023", "publishers": ["O'Reilly"],
         "works": [{"key": "/works/OL19359817W"}]},
        {"key": "/books/OL27972357M",
         "title": "Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow",
         "edition_name": "Second edition", "publish_date": "Oct 15, 2019",
         "works": [{"key": "/works/OL19359817W"}]},
        {"key": "/books/OL26837451M",
         "title": "Hands-On Machine Learning with Scikit-Learn and TensorFlow",
         "edition_name": "First edition", "publish_date": "2017",
         "works": [{"key": "/works/OL19359817W"}]},
        {"key": "/books/OL31234567M", "title": "Prise en main de l'apprentissage automatique",
         "publish_date": "2019", "languages": [{"key": "/languages/fre"}],
         "works": [{"key": "/works/OL19359817W"}]},
    ],
}


async def openlibrary_editions(request: web.Request) -> web.Response:
    work = request.match_info["work"]
    entries = OPENLIBRARY_EDITIONS.get(work)
    if entries is None:
        return web.json_response({"error": "notfound", "key": f"/works/{work}"}, status=404)
    return web.json_response({"links": {"self": f"/works/{work}/editions.json",
                                        "work": f"/works/{work}"},
                              "size": len(entries), "entries": entries})


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower().replace("&", "and")))


async def openlibrary_search(request: web.Request) -> web.Response:
    title, author = request.query.get("title", ""), request.query.get("author", "")
    docs = [d for d in OPENLIBRARY_DOCS
            if _words(title) <= _words(f"{d['title']} {d.get('subtitle', '')}")
            and (not author or any(_words(author.split()[-1]) <= _words(a)
                                   for a in d["author_name"]))]
    return web.json_response({"numFound": len(docs), "start": 0, "numFoundExact": True,
                              "docs": docs, "num_found": len(docs), "q": "", "offset": None})


# --- Substack and Medium ----------------------------------------------------------------

SUBSTACK_POSTS: dict[str, dict[str, Any]] = {
    "the-right-way-to-install-python-on": {"post_date": "2023-11-20T10:00:31.000Z",
                                           "updated_at": "2024-02-01T08:00:00.000Z"},
    "mlops-maturity-assessment": {"post_date": "2023-04-02T14:12:00.000Z"},
    "the-minimum-set-of-must-haves-for": {"post_date": "2022-12-05T09:00:00.000Z"},
    "welcome-to-pre-commit-heaven": {"post_date": "2023-07-17T07:30:00.000Z"},
    "ml-monitoring-vs-ml-observability": {"post_date": "2024-01-08T12:00:00.000Z"},
}


async def substack_post(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    post = SUBSTACK_POSTS.get(slug)
    if post is None:
        return web.json_response({"error": "Post not found"}, status=404)
    return web.json_response({"id": abs(hash(slug)) % 10**8, "publication_id": 1234,
                              "title": slug.replace("-", " ").title(), "slug": slug,
                              "type": "newsletter", "audience": "everyone",
                              "canonical_url": f"https://marvelousmlops.substack.com/p/{slug}",
                              **post})


MEDIUM_FEED = """<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0" xmlns:cc="http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html">
<channel><title><![CDATA[Stories by Kedion on Medium]]></title><link>https://medium.com/@kedion?source=rss-abc------2</link>
<item><title><![CDATA[Creating a Feature Store with Feast, Part 1]]></title><link>https://kedion.medium.com/creating-a-feature-store-with-feast-part-1-37c380223e2f?source=rss-abc------2</link><guid isPermaLink="false">https://medium.com/p/37c380223e2f</guid><category><![CDATA[mlops]]></category><dc:creator><![CDATA[Kedion]]></dc:creator><pubDate>Tue, 14 Jun 2022 11:02:33 GMT</pubDate><atom:updated>2022-06-20T09:00:00.123Z</atom:updated><content:encoded><![CDATA[<p>Last updated 01/2030 in the body: not a date source</p>]]></content:encoded></item>
<item><title><![CDATA[Feature Storage for ML with Feast, Part 2]]></title><link>https://kedion.medium.com/feature-storage-for-ml-with-feast-part-2-34df1971a8d3?source=rss-abc------2</link><guid isPermaLink="false">https://medium.com/p/34df1971a8d3</guid><pubDate>Wed, 29 Jun 2022 08:00:00 GMT</pubDate><atom:updated>2022-06-29T08:00:00.000Z</atom:updated></item>
</channel></rss>"""


async def medium_feed(request: web.Request) -> web.Response:
    return web.Response(text=MEDIUM_FEED, content_type="text/xml")


# --- servers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    server: str  # "github", "other" or "elsewhere"
    method: str
    path: str
    query: str
    authorization: str | None


@dataclass
class Upstreams:
    """Running fakes: their base URLs and every request they saw."""

    github: str
    other: str
    elsewhere: str
    seen: list[Seen]
    runners: list[web.AppRunner]

    def settings(self, token: str | None = None, **overrides: Any) -> FreshnessSettings:
        values: dict[str, Any] = {
            "github_api": self.github, "github_graphql": f"{self.github}/graphql",
            "youtube": self.other, "pypi": self.other, "openlibrary": self.other,
            "substack": self.other, "medium": self.other, "github_token": token,
            "timeout": 5.0,
        }
        values.update(overrides)
        return FreshnessSettings(**values)

    def count(self, server: str | None = None, prefix: str = "") -> int:
        return sum(1 for s in self.seen
                   if (server is None or s.server == server) and s.path.startswith(prefix))

    async def close(self) -> None:
        for runner in self.runners:
            await runner.cleanup()


def _recorder(server: str, seen: list[Seen]) -> Any:
    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append(Seen(server, request.method, request.path, request.query_string,
                         request.headers.get("Authorization")))
        return await handler(request)
    return record


async def off_host(request: web.Request) -> web.Response:
    """Another host that a redirect may point at: it must never see the token."""
    return web.json_response(_repo(1009, "moved/elsewhere"))


async def _serve(app: web.Application, host: str) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://{host}:{port}"


async def start_upstreams(github_data: GitHubData | None = None) -> Upstreams:
    seen: list[Seen] = []
    fake = FakeGitHub(github_data)
    gh_app = web.Application(middlewares=[_recorder("github", seen)])
    gh_app.add_routes(fake.routes())
    other = web.Application(middlewares=[_recorder("other", seen)])
    other.add_routes([
        web.get("/oembed", oembed),
        web.get("/pypi/{package}/json", pypi_json),
        web.get("/search.json", openlibrary_search),
        web.get("/works/{work}/editions.json", openlibrary_editions),
        web.get("/api/v1/posts/{slug}", substack_post),
        web.get("/feed", medium_feed),
        web.get("/feed/{user}", medium_feed),
    ])
    elsewhere = web.Application(middlewares=[_recorder("elsewhere", seen)])
    elsewhere.add_routes([web.get("/{tail:.*}", off_host)])
    gh_runner, gh_base = await _serve(gh_app, "127.0.0.1")
    fake.base = gh_base
    other_runner, other_base = await _serve(other, "127.0.0.2")
    else_runner, else_base = await _serve(elsewhere, "127.0.0.3")
    return Upstreams(gh_base, other_base, else_base, seen,
                     [gh_runner, other_runner, else_runner])
