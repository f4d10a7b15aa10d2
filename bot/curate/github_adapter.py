"""The PyGithub adapter: the only module that imports `github`.

Every call goes through `_call`, which retries 5xx answers, timeouts and rate limits a
bounded number of times with an injectable `sleep`, then raises `bot.errors.GitHubError`
with a message that never carries the token. PyGithub sends the token only to the host of
`api_url` (it keeps just the path of URLs the server hands back).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, InputGitTreeElement

from bot.curate.fingerprint import fingerprint_of
from bot.curate.plan import IssueState, PullState
from bot.errors import GitHubError
from bot.report.json_report import iso

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GitHubSettings:
    """Where and how to reach GitHub; the token is kept out of repr()."""

    repository: str  # "owner/name"
    api_url: str = "https://api.github.com"
    token: str = field(default="", repr=False)
    timeout: int = 15
    attempts: int = 4
    backoff: float = 2.0  # seconds before the 2nd attempt; doubles after
    max_wait: float = 120.0  # never sleep longer than this for one retry
    seconds_between_writes: float = 1.0  # GitHub's advice against secondary rate limits

    @property
    def owner(self) -> str:
        return self.repository.split("/", 1)[0]


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or "no message")[:200]


def _header(exc: GithubException, name: str) -> str | None:
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    value = headers.get(name.lower())
    return str(value) if value is not None else None


class GitHubAdapter:
    """The few GitHub operations curation needs, each retried and translated."""

    def __init__(self, settings: GitHubSettings, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        self._github = Github(
            auth=Auth.Token(settings.token) if settings.token else None,
            base_url=settings.api_url.rstrip("/"), timeout=settings.timeout, retry=None,
            per_page=100, seconds_between_requests=None,
            seconds_between_writes=settings.seconds_between_writes or None, lazy=True,
        )
        self._repo = self._github.get_repo(settings.repository)

    # ---- retries ------------------------------------------------------------------

    def _wait_for(self, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before retrying `exc`, or None when retrying cannot help."""
        backoff = float(self.settings.backoff * 2 ** (attempt - 1))
        if isinstance(exc, requests.RequestException):
            return backoff  # timeouts, resets, refused connections
        assert isinstance(exc, GithubException)
        status = int(exc.status)
        if status >= 500:
            return backoff
        if status in (403, 429):
            retry_after = _header(exc, "Retry-After")
            if retry_after is not None:
                return float(retry_after)
            if _header(exc, "X-RateLimit-Remaining") == "0":
                reset = float(_header(exc, "X-RateLimit-Reset") or 0)
                return max(1.0, reset - self._clock())
            if "secondary rate limit" in _message(exc).lower():
                return max(60.0, backoff)
        return None

    def _call(self, what: str, action: Callable[[], T]) -> T:
        for attempt in range(1, self.settings.attempts + 1):
            try:
                return self._call_once(what, attempt, action)
            except _Retry as retry:
                self._sleep(retry.wait)
        raise AssertionError("unreachable")

    @staticmethod
    def _describe(exc: Exception, attempt: int) -> str:
        tries = f"after {attempt} attempt{'s' if attempt > 1 else ''}"
        if isinstance(exc, GithubException):
            return f"GitHub answered {exc.status} ({_message(exc)}) {tries}"
        return f"{type(exc).__name__} {tries}"  # the text may hold URLs; the type is enough

    # ---- reading -------------------------------------------------------------------

    def list_issues(self, label: str) -> list[IssueState]:
        """Every issue (open and closed) with the bot's label; PRs excluded."""
        def fetch() -> list[IssueState]:
            found = self._repo.get_issues(state="all", labels=[label])
            return [_issue_state(issue) for issue in found if "/pull/" not in issue.html_url]
        return self._call("listing issues", fetch)

    def list_pulls(self, branch: str) -> list[PullState]:
        def fetch() -> list[PullState]:
            pulls = self._repo.get_pulls(state="all", head=f"{self.settings.owner}:{branch}")
            return [PullState(p.number, p.title, p.body or "", p.state == "open",
                              p.merged_at is not None) for p in pulls]
        return self._call("listing pull requests", fetch)

    def find_issue(self, label: str, key: str) -> IssueState | None:
        return next((i for i in self.list_issues(label) if i.key == key and i.open), None)

    # ---- issues --------------------------------------------------------------------

    def create_issue(self, title: str, body: str, labels: tuple[str, ...]) -> int:
        """Create, and after a failed attempt look for it before trying again: a 502 may come
        after GitHub made the issue, and a second one would be a duplicate."""
        key, bot_label = fingerprint_of(body), labels[0]
        for attempt in range(1, self.settings.attempts + 1):
            if attempt > 1 and key is not None:
                existing = self.find_issue(bot_label, key)
                if existing is not None:
                    return existing.number
            try:
                return self._call_once("creating an issue", attempt, lambda: (
                    self._repo.create_issue(title=title, body=body, labels=list(labels)).number))
            except _Retry as retry:
                self._sleep(retry.wait)
        raise AssertionError("unreachable")

    def _call_once(self, what: str, attempt: int, action: Callable[[], T]) -> T:
        """One attempt of `attempt`: `_Retry` with the wait (doubling as `_call`'s do) when
        another attempt may help, GitHubError when none is left or none can help."""
        try:
            return action()
        except RuntimeError as exc:  # PyGithub refuses a redirect off the API host
            raise GitHubError(f"{what}: the API redirected elsewhere; refused") from exc
        except (GithubException, requests.RequestException) as exc:
            wait = self._wait_for(exc, attempt)
            if wait is None or wait > self.settings.max_wait or \
                    attempt == self.settings.attempts:
                raise GitHubError(f"{what}: {self._describe(exc, attempt)}") from None
            raise _Retry(wait) from None

    def edit_issue(self, number: int, **changes: Any) -> None:
        self._call(f"editing issue #{number}",
                   lambda: self._repo.get_issue(number).edit(**changes))

    def comment(self, number: int, body: str) -> None:
        self._call(f"commenting on issue #{number}",
                   lambda: self._repo.get_issue(number).create_comment(body))

    # ---- the fixes branch and PR -----------------------------------------------------

    def default_branch(self) -> str:
        return self._call("reading the repository", lambda: self._repo.default_branch)

    def push_files(self, branch: str, files: Mapping[str, str], message: str) -> None:
        """Point `branch` at one new commit on top of the default branch with `files`."""
        base = self.default_branch()
        head = self._call("reading the default branch",
                          lambda: self._repo.get_git_ref(f"heads/{base}").object.sha)
        parent = self._call("reading the head commit", lambda: self._repo.get_git_commit(head))
        elements = [InputGitTreeElement(path, "100644", "blob", content=text)
                    for path, text in sorted(files.items())]
        tree = self._call("writing the tree",
                          lambda: self._repo.create_git_tree(elements, base_tree=parent.tree))
        commit = self._call("writing the commit",
                            lambda: self._repo.create_git_commit(message, tree, [parent]))
        self._call(f"moving {branch}", lambda: self._set_ref(branch, commit.sha))

    def _set_ref(self, branch: str, sha: str) -> None:
        try:
            ref = self._repo.get_git_ref(f"heads/{branch}")
            if ref.object.sha == sha:  # reading completes the lazy ref (and its PATCH url)
                return
            ref.edit(sha, force=True)  # the bot owns this branch: a force-push is its refresh
        except GithubException as exc:
            if exc.status != 404:
                raise
            self._repo.create_git_ref(f"refs/heads/{branch}", sha)

    def open_pull(self, branch: str, title: str, body: str) -> int:
        base = self.default_branch()
        return self._call("opening the pull request", lambda: self._repo.create_pull(
            base=base, head=branch, title=title, body=body).number)

    def edit_pull(self, number: int, **changes: Any) -> None:
        self._call(f"editing pull request #{number}",
                   lambda: self._repo.get_pull(number).edit(**changes))


class _Retry(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"retry in {wait} s")
        self.wait = wait


def _issue_state(issue: Any) -> IssueState:
    return IssueState(
        number=issue.number, title=issue.title, body=issue.body or "",
        labels=frozenset(label.name for label in issue.labels), open=issue.state == "open",
        closed_at=iso(issue.closed_at),
    )
