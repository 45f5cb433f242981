"""scripts/setup.sh's choice of Python: a 3.10 on the system, else a managed one from uv, else one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

SETUP = PROJECT / "scripts" / "setup.sh"


def bare_path(tmp_path: Path) -> str:
    """A PATH with the usual tools and a python3 that is not 3.10 (if the system has one)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "python3", "dpkg-query", "grep", "cat", "sha256sum", "cut", "mkdir", "ln", "tail", "id", "dirname"):
        found = subprocess.run(["bash", "-c", f"PATH=/usr/bin:/bin command -v {tool}"], capture_output=True, text=True)
        if found.stdout.strip():
            (bin_dir / tool).symlink_to(found.stdout.strip())
    return str(bin_dir)


def choose(tmp_path: Path, tools: Path, extra_path: str = "") -> subprocess.CompletedProcess:
    env = {
        "PATH": f"{extra_path}:{bare_path(tmp_path)}" if extra_path else bare_path(tmp_path),
        "HOME": str(tmp_path / "home"),
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        "PYTHON_SEARCH_DIRS": str(tmp_path / "nowhere"),
        "COMPANION_TOOLS_DIR": str(tools),
    }
    return subprocess.run(["bash", str(SETUP), "--print-python"], capture_output=True, text=True, env=env,
                          cwd=PROJECT, timeout=300)


def fake_uv(tools: Path, body: str) -> None:
    (tools / "bin").mkdir(parents=True)
    uv = tools / "bin" / "uv"
    uv.write_text("#!/bin/bash\n" + body)
    uv.chmod(0o755)


def test_a_python_310_on_path_is_chosen(tmp_path: Path):
    real = Path(sys.executable).resolve()
    if sys.version_info[:2] != (3, 10):
        pytest.skip("the tests do not run on Python 3.10")
    link_dir = tmp_path / "py"
    link_dir.mkdir()
    (link_dir / "python3.10").symlink_to(real)
    done = choose(tmp_path, tmp_path / "tools", str(link_dir))
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve() == real
    assert not (tmp_path / "tools").exists()


def test_without_310_uv_is_asked_for_a_managed_one(tmp_path: Path):
    if sys.version_info[:2] != (3, 10):
        pytest.skip("needs a real 3.10 to stand in for uv's download")
    tools = tmp_path / "tools"
    fake_uv(tools, f'echo "$@" >> "{tools}/calls"\n[ "$1 $2" = "python find" ] && echo "{Path(sys.executable).resolve()}"\nexit 0\n')
    done = choose(tmp_path, tools)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve() == Path(sys.executable).resolve()
    assert (tools / "calls").read_text().splitlines() == ["python install 3.10", "python find 3.10"]


def test_when_uv_cannot_fetch_it_one_line_says_how_to_get_310(tmp_path: Path):
    tools = tmp_path / "tools"
    fake_uv(tools, 'echo "error: Failed to download https://github.com/...: network unreachable" >&2\nexit 2\n')
    done = choose(tmp_path, tools)
    assert done.returncode == 1 and done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("setup: Python 3.10 not found and uv could not fetch one; install it")
    assert "pyenv install 3.10" in last and "uv python install 3.10" in last
    assert "network unreachable" in done.stderr


def test_uv_is_installed_from_pypi_into_the_tool_folder(tmp_path: Path):
    if os.environ.get("COMPANION_TEST_UV_DOWNLOAD") != "1":
        pytest.skip("downloads uv from PyPI; set COMPANION_TEST_UV_DOWNLOAD=1 to run")
    tools = tmp_path / "tools"
    done = choose(tmp_path, tools)
    assert (tools / "bin" / "uv").exists(), done.stderr
    if done.returncode != 0:  # uv's Python download may be unreachable here: then the clear line
        assert "Python 3.10 not found and uv could not fetch one" in done.stderr.strip().splitlines()[-1]
