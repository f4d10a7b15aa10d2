"""The package as users get it: sdist and wheel built, the wheel installed alone, `check` run.

The build is offline (`python -m build --no-isolation`: the backend comes from the test
environment), and the fresh environment gets roadmap-bot from the wheel only; its
dependencies are borrowed from the test environment through a path entry, so no index is
needed. Everything runs once per session.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest

from bot import __version__
from tests.simweb import Page, SimWeb

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path
    python: Path  # the fresh environment's interpreter
    scripts: Path


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    where = tmp_path_factory.mktemp("packaging")
    dist = where / "dist"
    # sdist first, then the wheel built from the unpacked sdist: a file the sdist forgets
    # is missing from the wheel too, and the smoke test below notices.
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT, cwd=where)
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    venv = where / "fresh"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=where)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-index", "--no-deps",
         "--no-compile", "--quiet", wheel, cwd=where)
    fresh_site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                           cwd=where).stdout.strip())
    # The dependencies, not roadmap-bot: a plain path entry does not run the test
    # environment's own .pth files, so its editable install of `bot` stays invisible.
    (fresh_site / "borrowed-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    yield Built(wheel, sdist, python, venv / "bin")


def test_the_wheel_holds_the_package_data_and_the_entry_point(built: Built) -> None:
    names = set(zipfile.ZipFile(built.wheel).namelist())
    assert {"bot/py.typed", "bot/report/assets/dashboard.html", "bot/report/assets/dashboard.js",
            "bot/report/assets/dashboard.css", "bot/cli.py"} <= names
    info = f"roadmap_bot-{__version__}.dist-info"
    entry_points = zipfile.ZipFile(built.wheel).read(f"{info}/entry_points.txt").decode()
    assert "roadmap-bot = bot.cli:console" in entry_points


def test_the_metadata_is_complete_for_an_index(built: Built) -> None:
    info = f"roadmap_bot-{__version__}.dist-info/METADATA"
    meta = Parser().parsestr(zipfile.ZipFile(built.wheel).read(info).decode())
    assert meta["Name"] == "roadmap-bot" and meta["Version"] == __version__
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.11"
    assert meta["Description-Content-Type"] == "text/markdown"
    assert "roadmap-bot" in meta.get_payload()  # the README is the long description
    urls = {value.split(",", 1)[0] for value in meta.get_all("Project-URL") or []}
    assert {"Homepage", "Source", "Issues", "Documentation"} <= urls
    classifiers = meta.get_all("Classifier") or []
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "Typing :: Typed" in classifiers


def test_the_sdist_holds_the_sources_and_the_readme(built: Built) -> None:
    with tarfile.open(built.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "PKG-INFO", "bot/cli.py",
            "bot/report/assets/dashboard.js"} <= names


async def test_the_installed_wheel_checks_a_fixture(built: Built, tmp_path: Path) -> None:
    async with SimWeb() as web:
        host = await web.add_host("alpha")
        ok = host.route("/ok", Page("<title>Fine</title>"))
        gone = host.route("/gone", Page("<title>Not Found</title>", status=404))
        (tmp_path / "list.md").write_text(f"# List\n\n- [Fine]({ok})\n- [Gone]({gone})\n")
        where = await asyncio.create_subprocess_exec(
            built.python, "-c", "import bot; print(bot.__file__)", cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE)
        origin = (await where.communicate())[0].decode().strip()
        check = await asyncio.create_subprocess_exec(
            built.scripts / "roadmap-bot", "check", "list.md", "--allow-private",
            "--no-progress", "--format", "json", "--timeout", "5", cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(check.communicate(), timeout=120)
    assert Path(origin).is_relative_to(built.python.parent.parent), origin  # not the checkout
    assert check.returncode == 1, err.decode()  # a broken link was found
    report = json.loads(out)
    assert {link["url"]: link["status"] for link in report["links"]} == {ok: "ok", gone: "broken"}
    assert report["links"][1]["sources"] == [{"file": "list.md", "line": 4, "resource": None}]
