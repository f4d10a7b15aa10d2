"""A fake GitHub REST API (aiohttp.web on loopback) that PyGithub talks to over real HTTP.

It keeps issues (labels, comments, state, state_reason, closed_by), pull requests, and a
tiny git object store (refs, commits, trees of whole files), answers with GitHub-shaped
JSON, counts every request, and injects faults: a status (502, 503, a secondary rate limit
403 with Retry-After) or a hang, at the Nth matching request. It runs in its own thread
because PyGithub is synchronous.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = "roadmap-bot[bot]"
HUMAN = "maintainer"
TIME = "2026-11-28T03:00:00Z"


@dataclass
class Fault:
    """Answer the `at`-th request (1-based, counted over matching ones) with a failure."""

    at: int
    status: int = 502
    method: str | None = None
    path_contains: str = ""
    retry_after: int | None = None
    hang: float = 0.0  # seconds to stall before answering (a timeout for the client)
    times: int = 1  # how many consecutive matching requests fail
    location: str | None = None  # answer with a redirect there (e.g. to another host)
    after: bool = False  # do the work first, then fail (the answer is lost on the way back)
    headers: dict[str, str] | None = None  # replace the default headers of a 403
    body_contains: str = ""  # only requests whose body holds this (one issue among many)
    seen: int = 0
    fired: bool = False

    def matches(self, request: web.Request) -> bool:
        return (self.method is None or request.method == self.method) and \
            self.path_contains in request.path


@dataclass
class FakeState:
    """Everything the fake repository holds; tests read and change it directly."""

    owner: str = "owner"
    name: str = "repo"
    token: str = "fake-token"
    default_branch: str = "main"
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" -> commit sha
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # sha -> {path: text}
    calls: list[tuple[str, str]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    auth_seen: list[str | None] = field(default_factory=list)
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    base: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    # ---- git store ------------------------------------------------------------------

    def commit_files(self, files: dict[str, str], parent: str | None = None,
                     message: str = "commit") -> str:
        tree = _sha("tree", repr(sorted(files.items())))
        self.trees[tree] = dict(files)
        sha = _sha("commit", tree, parent or "", message)
        self.commits[sha] = {"tree": tree, "parents": [parent] if parent else [], "message": message}
        return sha

    def seed(self, files: dict[str, str]) -> None:
        self.refs[f"heads/{self.default_branch}"] = self.commit_files(files, message="initial")

    def file_at(self, branch: str, path: str) -> str | None:
        sha = self.refs.get(f"heads/{branch}")
        return None if sha is None else self.trees[self.commits[sha]["tree"]].get(path)

    # ---- what a human does on github.com --------------------------------------------

    def human_close(self, number: int) -> None:
        issue = self.issues[number]
        issue.update(state="closed", state_reason="not_planned", closed_at=TIME,
                     closed_by=_user(HUMAN))

    def human_label(self, number: int, label: str) -> None:
        self.issues[number]["labels"].append(_label(label))

    def human_close_pull(self, number: int, merged: bool = False) -> None:
        pull = self.pulls[number]
        pull.update(state="closed", closed_at=TIME, merged=merged,
                    merged_at=TIME if merged else None)

    # ---- views ----------------------------------------------------------------------

    def open_issues(self) -> list[dict[str, Any]]:
        return [i for i in self.issues.values() if i["state"] == "open"]

    def writes(self) -> list[tuple[str, str]]:
        return [call for call in self.calls if call[0] != "GET"]


def _sha(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def _user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10_000, "type": "Bot" if "[bot]" in login else "User"}


def _label(name: str) -> dict[str, Any]:
    return {"id": abs(hash(name)) % 100_000, "name": name, "color": "ededed", "default": False}


class FakeGitHub:
    """The aiohttp application over a `FakeState`."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._count_and_fault])
        repo = "/repos/{owner}/{name}"
        app.router.add_get(repo, self.get_repo)
        app.router.add_get(repo + "/issues", self.list_issues)
        app.router.add_post(repo + "/issues", self.create_issue)
        app.router.add_get(repo + "/issues/{number:\\d+}", self.get_issue)
        app.router.add_patch(repo + "/issues/{number:\\d+}", self.edit_issue)
        app.router.add_get(repo + "/issues/{number:\\d+}/comments", self.list_comments)
        app.router.add_post(repo + "/issues/{number:\\d+}/comments", self.create_comment)
        app.router.add_get(repo + "/pulls", self.list_pulls)
        app.router.add_post(repo + "/pulls", self.create_pull)
        app.router.add_get(repo + "/pulls/{number:\\d+}", self.get_pull)
        app.router.add_patch(repo + "/pulls/{number:\\d+}", self.edit_pull)
        app.router.add_get(repo + "/git/ref/{ref:.+}", self.get_ref)
        app.router.add_post(repo + "/git/refs", self.create_ref)
        app.router.add_patch(repo + "/git/refs/{ref:.+}", self.update_ref)
        app.router.add_get(repo + "/git/commits/{sha}", self.get_commit)
        app.router.add_post(repo + "/git/commits", self.create_commit)
        app.router.add_post(repo + "/git/trees", self.create_tree)
        return app

    # ---- plumbing ---------------------------------------------------------------------

    @web.middleware
    async def _count_and_fault(self, request: web.Request, handler: Any) -> web.StreamResponse:
        state = self.state
        state.calls.append((request.method, request.path_qs))
        state.auth_seen.append(request.headers.get("Authorization"))
        if request.headers.get("Authorization") != f"token {state.token}" and \
                request.headers.get("Authorization") != f"Bearer {state.token}":
            return _error(401, "Bad credentials")
        firing = None
        body = await request.text() if any(f.body_contains for f in state.faults) else ""
        for fault in state.faults:
            if fault.matches(request) and fault.body_contains in body:
                fault.seen += 1
                if fault.at <= fault.seen < fault.at + fault.times and firing is None:
                    firing = fault
        if firing is not None:
            firing.fired = True
            if firing.after:
                await handler(request)
            if firing.hang:
                await asyncio.sleep(firing.hang)
            return _fault_response(firing)
        return await handler(request)

    def _url(self, path: str) -> str:
        return f"{self.state.base}/repos/{self.state.full_name}{path}"

    def _issue_json(self, issue: dict[str, Any]) -> dict[str, Any]:
        number = issue["number"]
        return {
            **issue,
            "id": 1000 + number,
            "node_id": f"I_{number}",
            "url": self._url(f"/issues/{number}"),
            "html_url": f"https://github.test/{self.state.full_name}/issues/{number}",
            "comments_url": self._url(f"/issues/{number}/comments"),
            "repository_url": self._url(""),
            "comments": len(self.state.comments.get(number, [])),
            "assignees": [],
            "locked": False,
        }

    def _pull_json(self, pull: dict[str, Any]) -> dict[str, Any]:
        number = pull["number"]
        return {
            **pull,
            "id": 5000 + number,
            "url": self._url(f"/pulls/{number}"),
            "html_url": f"https://github.test/{self.state.full_name}/pull/{number}",
            "issue_url": self._url(f"/issues/{number}"),
            "head": {"ref": pull["head_ref"], "label": f"{self.state.owner}:{pull['head_ref']}",
                     "sha": self.state.refs.get(f"heads/{pull['head_ref']}", "")},
            "base": {"ref": pull["base_ref"], "label": f"{self.state.owner}:{pull['base_ref']}",
                     "sha": self.state.refs.get(f"heads/{pull['base_ref']}", "")},
        }

    def _ref_json(self, ref: str) -> dict[str, Any]:
        sha = self.state.refs[ref]
        return {"ref": f"refs/{ref}", "url": self._url(f"/git/refs/{ref}"),
                "object": {"sha": sha, "type": "commit", "url": self._url(f"/git/commits/{sha}")}}

    def _commit_json(self, sha: str) -> dict[str, Any]:
        commit = self.state.commits[sha]
        return {"sha": sha, "url": self._url(f"/git/commits/{sha}"), "message": commit["message"],
                "tree": {"sha": commit["tree"], "url": self._url(f"/git/trees/{commit['tree']}")},
                "parents": [{"sha": p, "url": self._url(f"/git/commits/{p}")}
                            for p in commit["parents"]]}

    # ---- repository and issues --------------------------------------------------------

    async def get_repo(self, request: web.Request) -> web.Response:
        state = self.state
        return web.json_response({
            "id": 1, "name": state.name, "full_name": state.full_name,
            "owner": _user(state.owner), "default_branch": state.default_branch,
            "url": self._url(""), "html_url": f"https://github.test/{state.full_name}",
            "private": False,
        })

    async def list_issues(self, request: web.Request) -> web.Response:
        wanted_state = request.query.get("state", "open")
        labels = [x for x in request.query.get("labels", "").split(",") if x]
        found = [i for i in sorted(self.state.issues.values(), key=lambda i: -i["number"])
                 if wanted_state in ("all", i["state"])
                 and all(name in {label["name"] for label in i["labels"]} for name in labels)]
        return _paginate(request, [self._issue_json(i) for i in found])

    async def create_issue(self, request: web.Request) -> web.Response:
        data = await request.json()
        number = next(self.state.numbers)
        self.state.issues[number] = {
            "number": number, "title": data["title"], "body": data.get("body") or "",
            "state": "open", "state_reason": None, "user": _user(BOT),
            "labels": [_label(name) for name in data.get("labels") or []],
            "created_at": TIME, "updated_at": TIME, "closed_at": None, "closed_by": None,
        }
        return web.json_response(self._issue_json(self.state.issues[number]), status=201)

    def _issue(self, request: web.Request) -> dict[str, Any]:
        issue = self.state.issues.get(int(request.match_info["number"]))
        if issue is None:
            raise web.HTTPNotFound(text='{"message": "Not Found"}', content_type="application/json")
        return issue

    async def get_issue(self, request: web.Request) -> web.Response:
        return web.json_response(self._issue_json(self._issue(request)))

    async def edit_issue(self, request: web.Request) -> web.Response:
        issue, data = self._issue(request), await request.json()
        for key in ("title", "body"):
            if key in data:
                issue[key] = data[key]
        if "labels" in data:
            issue["labels"] = [_label(name) for name in data["labels"]]
        if data.get("state") == "closed" and issue["state"] == "open":
            issue.update(state="closed", closed_at=TIME, closed_by=_user(BOT),
                         state_reason=data.get("state_reason") or "completed")
        elif data.get("state") == "open" and issue["state"] == "closed":
            issue.update(state="open", closed_at=None, closed_by=None, state_reason="reopened")
        return web.json_response(self._issue_json(issue))

    def _commentable(self, request: web.Request) -> int:
        """Issue comments also go to pull requests: on GitHub every PR is an issue."""
        number = int(request.match_info["number"])
        if number in self.state.pulls:
            return number
        return int(self._issue(request)["number"])

    async def list_comments(self, request: web.Request) -> web.Response:
        return _paginate(request, self.state.comments.get(self._commentable(request), []))

    async def create_comment(self, request: web.Request) -> web.Response:
        number, data = self._commentable(request), await request.json()
        comments = self.state.comments.setdefault(number, [])
        comment = {"id": 9000 + len(comments), "body": data["body"], "user": _user(BOT),
                   "created_at": TIME, "url": self._url(f"/issues/comments/{len(comments)}")}
        comments.append(comment)
        return web.json_response(comment, status=201)

    # ---- pull requests ----------------------------------------------------------------

    async def list_pulls(self, request: web.Request) -> web.Response:
        wanted_state = request.query.get("state", "open")
        head = request.query.get("head")
        found = [p for p in sorted(self.state.pulls.values(), key=lambda p: -p["number"])
                 if wanted_state in ("all", p["state"])
                 and (head is None or head == f"{self.state.owner}:{p['head_ref']}")]
        return _paginate(request, [self._pull_json(p) for p in found])

    async def create_pull(self, request: web.Request) -> web.Response:
        data = await request.json()
        head = data["head"].split(":")[-1]
        if f"heads/{head}" not in self.state.refs:
            return _error(422, "Validation Failed: head does not exist")
        number = next(self.state.numbers)
        self.state.pulls[number] = {
            "number": number, "title": data["title"], "body": data.get("body") or "",
            "state": "open", "merged": False, "merged_at": None, "closed_at": None,
            "user": _user(BOT), "head_ref": head, "base_ref": data["base"], "draft": False,
        }
        return web.json_response(self._pull_json(self.state.pulls[number]), status=201)

    def _pull(self, request: web.Request) -> dict[str, Any]:
        pull = self.state.pulls.get(int(request.match_info["number"]))
        if pull is None:
            raise web.HTTPNotFound(text='{"message": "Not Found"}', content_type="application/json")
        return pull

    async def get_pull(self, request: web.Request) -> web.Response:
        return web.json_response(self._pull_json(self._pull(request)))

    async def edit_pull(self, request: web.Request) -> web.Response:
        pull, data = self._pull(request), await request.json()
        for key in ("title", "body", "state"):
            if key in data:
                pull[key] = data[key]
        if data.get("state") == "closed":
            pull["closed_at"] = TIME
        return web.json_response(self._pull_json(pull))

    # ---- git data ---------------------------------------------------------------------

    async def get_ref(self, request: web.Request) -> web.Response:
        ref = request.match_info["ref"]
        if ref not in self.state.refs:
            return _error(404, "Not Found")
        return web.json_response(self._ref_json(ref))

    async def create_ref(self, request: web.Request) -> web.Response:
        data = await request.json()
        ref = data["ref"].removeprefix("refs/")
        if ref in self.state.refs:
            return _error(422, "Reference already exists")
        self.state.refs[ref] = data["sha"]
        return web.json_response(self._ref_json(ref), status=201)

    async def update_ref(self, request: web.Request) -> web.Response:
        ref, data = request.match_info["ref"], await request.json()
        if ref not in self.state.refs:
            return _error(422, "Reference does not exist")
        self.state.refs[ref] = data["sha"]
        return web.json_response(self._ref_json(ref))

    async def get_commit(self, request: web.Request) -> web.Response:
        sha = request.match_info["sha"]
        if sha not in self.state.commits:
            return _error(404, "Not Found")
        return web.json_response(self._commit_json(sha))

    async def create_tree(self, request: web.Request) -> web.Response:
        data = await request.json()
        files = dict(self.state.trees.get(data.get("base_tree") or "", {}))
        for entry in data["tree"]:
            files[entry["path"]] = entry["content"]
        sha = _sha("tree", repr(sorted(files.items())))
        self.state.trees[sha] = files
        return web.json_response({"sha": sha, "url": self._url(f"/git/trees/{sha}"), "tree": []},
                                 status=201)

    async def create_commit(self, request: web.Request) -> web.Response:
        data = await request.json()
        parent = (data.get("parents") or [None])[0]
        sha = _sha("commit", data["tree"], parent or "", data["message"])
        self.state.commits[sha] = {"tree": data["tree"], "parents": data.get("parents") or [],
                                   "message": data["message"]}
        return web.json_response(self._commit_json(sha), status=201)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"message": message, "documentation_url": "https://docs.github.test"},
                             status=status, headers=headers)


def _fault_response(fault: Fault) -> web.Response:
    if fault.location is not None:
        return web.Response(status=fault.status, headers={"Location": fault.location})
    if fault.status == 403 and fault.headers is not None:
        return _error(403, "API rate limit exceeded", fault.headers)
    if fault.status == 403:
        headers = {"Retry-After": str(fault.retry_after or 1)}
        return _error(403, "You have exceeded a secondary rate limit. Please wait a few minutes "
                           "before you try again.", headers)
    return _error(fault.status, "Server Error (injected)")


def _paginate(request: web.Request, items: list[dict[str, Any]]) -> web.Response:
    per_page = int(request.query.get("per_page", "30"))
    page = int(request.query.get("page", "1"))
    chunk = items[(page - 1) * per_page: page * per_page]
    headers = {}
    if page * per_page < len(items):
        query = dict(request.query, page=str(page + 1))
        nxt = request.url.with_query(query)
        headers["Link"] = f'<{nxt}>; rel="next"'
    return web.json_response(chunk, headers=headers)


@contextmanager
def serve(state: FakeState | None = None, host: str = "127.0.0.1") -> Iterator[FakeState]:
    """Run the fake in a background thread; yields its state with `base` set to its URL."""
    state = state or FakeState()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner = web.AppRunner(FakeGitHub(state).app())

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        state.base = f"http://{host}:{port}"
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop)
    ready.wait(10)
    try:
        yield state
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
