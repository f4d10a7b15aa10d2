"""The PyGithub adapter against the fake GitHub API over real HTTP: calls, retries, faults."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.curate.fingerprint import fingerprint_marker
from bot.curate.github_adapter import GitHubAdapter, GitHubSettings
from bot.errors import GitHubError
from tests.curate.conftest import adapter_for
from tests.fakes.github_api import FakeState, Fault, serve

BODY = fingerprint_marker("resource:a") + "\nbody\n"
LABELS = ("roadmap-bot", "roadmap-bot:broken-link")


def test_issue_round_trip(fake: FakeState) -> None:
    github = adapter_for(fake)
    number = github.create_issue("Broken link: A", BODY, LABELS)
    github.comment(number, "hello")
    github.edit_issue(number, state="closed", body=BODY + "x")
    (issue,) = github.list_issues("roadmap-bot")
    assert (issue.number, issue.key, issue.open, issue.labels) == (number, "resource:a", False,
                                                                   frozenset(LABELS))
    assert issue.closed_at == "2026-11-28T03:00:00Z"
    assert fake.comments[number][0]["body"] == "hello"
    assert github.list_issues("other-label") == []


def test_listing_pages_through_many_issues(fake: FakeState) -> None:
    github = adapter_for(fake)
    for n in range(130):
        fake.issues[n + 1] = {"number": n + 1, "title": "t", "body": "", "state": "open",
                              "state_reason": None, "user": {"login": "x"}, "closed_at": None,
                              "labels": [{"name": "roadmap-bot"}], "created_at": None}
    assert len(github.list_issues("roadmap-bot")) == 130
    assert len(fake.calls) == 2  # per_page=100


@pytest.mark.parametrize("status", [502, 503])
def test_server_errors_are_retried(fake: FakeState, status: int) -> None:
    sleeps: list[float] = []
    fake.faults.append(Fault(at=1, status=status))
    assert adapter_for(fake, sleeps).list_issues("roadmap-bot") == []
    assert sleeps == [0.01]


def test_secondary_rate_limit_waits_retry_after(fake: FakeState) -> None:
    sleeps: list[float] = []
    fake.faults.append(Fault(at=1, status=403, retry_after=7))
    adapter_for(fake, sleeps).list_pulls("roadmap-bot/fixes")
    assert sleeps == [7.0]


def test_primary_rate_limit_waits_for_the_reset_within_bounds(fake: FakeState) -> None:
    sleeps: list[float] = []
    reset = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1030"}
    fake.faults.append(Fault(at=1, status=403, headers=reset))
    github = adapter_for(fake, sleeps)
    github._clock = lambda: 1000.0
    assert github.list_issues("roadmap-bot") == [] and sleeps == [30.0]
    fake.faults.append(Fault(at=1, status=403, headers={**reset, "X-RateLimit-Reset": "99999"}))
    with pytest.raises(GitHubError, match="403"):
        github.list_issues("roadmap-bot")  # an hour-long wait is a failure, not a hang


def test_bounded_retries_then_a_clear_error_without_the_token(fake: FakeState) -> None:
    fake.faults.append(Fault(at=1, status=502, times=9))
    github = adapter_for(fake)
    with pytest.raises(GitHubError) as info:
        github.list_issues("roadmap-bot")
    assert "listing issues: GitHub answered 502" in str(info.value)
    assert "after 4 attempts" in str(info.value)
    assert fake.token not in str(info.value) and fake.token not in repr(github.settings)
    assert len(fake.calls) == 4


def test_timeouts_are_retried(fake: FakeState) -> None:
    fake.faults.append(Fault(at=1, hang=1.5))
    github = adapter_for(fake)
    github = GitHubAdapter(replace(github.settings, timeout=1), sleep=lambda _: None)
    assert github.list_issues("roadmap-bot") == []


def test_a_client_error_is_not_retried(fake: FakeState) -> None:
    github = GitHubAdapter(GitHubSettings(fake.full_name, fake.base, "wrong-token",
                                          seconds_between_writes=0))
    with pytest.raises(GitHubError, match="401"):
        github.list_issues("roadmap-bot")
    assert len(fake.calls) == 1 and "wrong-token" not in str(fake.calls)


def test_create_after_a_502_that_created_does_not_duplicate(fake: FakeState) -> None:
    github = adapter_for(fake)
    real_create = fake.faults  # the fake made the issue, then the proxy answered 502:
    fake.issues[1] = {"number": 1, "title": "t", "body": BODY, "state": "open",
                      "state_reason": None, "user": {"login": "x"}, "closed_at": None,
                      "labels": [{"name": n} for n in LABELS], "created_at": None}
    next(fake.numbers)
    real_create.append(Fault(at=1, status=502, method="POST", path_contains="/issues"))
    assert github.create_issue("t", BODY, LABELS) == 1
    assert len(fake.issues) == 1


def test_push_files_and_pull_request(fake: FakeState) -> None:
    github = adapter_for(fake)
    github.push_files("roadmap-bot/fixes", {"roadmap.yaml": "title: y\n"}, "fix")
    number = github.open_pull("roadmap-bot/fixes", "title", "body")
    assert fake.file_at("roadmap-bot/fixes", "roadmap.yaml") == "title: y\n"
    assert fake.file_at("roadmap-bot/fixes", "README.md") == "# x\n"
    assert fake.file_at("main", "roadmap.yaml") == "title: x\n"
    github.push_files("roadmap-bot/fixes", {"roadmap.yaml": "title: z\n"}, "fix again")
    assert fake.file_at("roadmap-bot/fixes", "roadmap.yaml") == "title: z\n"
    (pull,) = github.list_pulls("roadmap-bot/fixes")
    assert (pull.number, pull.open, pull.merged) == (number, True, False)
    fake.human_close_pull(number, merged=True)
    assert github.list_pulls("roadmap-bot/fixes")[0].merged


def test_token_goes_only_in_the_authorization_header(fake: FakeState) -> None:
    adapter_for(fake).list_issues("roadmap-bot")
    assert fake.auth_seen == [f"token {fake.token}"]
    assert all(fake.token not in path for _, path in fake.calls)


@pytest.mark.parametrize("status", [301, 302, 307])
def test_the_token_never_follows_a_redirect_off_the_api_host(status: int) -> None:
    with serve(FakeState(owner="evil"), host="127.0.0.2") as elsewhere, serve() as fake:
        target = f"{elsewhere.base}/repos/owner/repo/issues"
        fake.faults.append(Fault(at=1, status=status, location=target))
        try:
            adapter_for(fake).list_issues("roadmap-bot")
        except GitHubError as exc:
            assert fake.token not in str(exc)
        else:
            assert status != 301, "a permanent redirect off the host must be refused"
        assert elsewhere.calls == []


def test_create_backs_off_doubling_and_counts_its_attempts(fake: FakeState) -> None:
    sleeps: list[float] = []
    fake.faults.append(Fault(at=1, status=502, method="POST", path_contains="/issues", times=9))
    with pytest.raises(GitHubError, match=r"creating an issue: .* after 4 attempts"):
        adapter_for(fake, sleeps).create_issue("t", BODY, LABELS)
    assert sleeps == [0.01, 0.02, 0.04] and fake.issues == {}
    posts = [call for call in fake.calls if call[0] == "POST"]
    assert len(posts) == 4
