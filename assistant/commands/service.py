"""`companion service install|uninstall|status`: a systemd user unit that keeps the companion listening."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Optional, Tuple

from assistant.errors import CompanionError, ConfigError
from assistant.settings import printable

UNIT = "companion.service"


class ServiceError(CompanionError):
    """The user unit cannot be written, started or removed."""

    code = "service"


def register(subparsers: Any) -> None:
    """Add the `service` group."""
    parser = subparsers.add_parser("service", help="run the companion in the background (systemd user unit)")
    sub = parser.add_subparsers(dest="service_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: _usage(parser))
    install = sub.add_parser("install", help="write the user unit and start it at login")
    install.add_argument("--no-start", action="store_true", help="only write the unit file")
    install.set_defaults(func=install_service)
    uninstall = sub.add_parser("uninstall", help="stop the unit and remove it")
    uninstall.set_defaults(func=uninstall_service)
    status = sub.add_parser("status", help="whether the unit is installed and running")
    status.set_defaults(func=service_status)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def unit_path() -> Path:
    """Where systemd looks for the user's own units."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user" / UNIT


MARK = "# Written by `companion service install`; `companion service uninstall` removes it."
OWN = b"Description=companion, an offline voice companion for couples"  # in every unit it ever wrote


def _quote(text: str, dollars: bool = False, always: bool = False) -> str:
    """One unit-file word: `%` (a specifier) and in commands `$` escaped; in double quotes (`\\`, `"` escaped)
    when it holds a space or a quote, or `always`."""
    plain = not always and text and not any(ch.isspace() or ch in "\\\"';" for ch in text)
    text = text.replace("%", "%%").replace("$", "$$") if dollars else text.replace("%", "%%")
    return text if plain else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _plain_path(text: str, what: str) -> str:
    """A path for a unit line that takes it as written: `%` escaped, line breaks refused."""
    if any(ch in text for ch in "\n\r\x00") or printable(text) != text:
        raise ConfigError(f"{what} holds a line break or control character; set it to a plain folder path")
    return text.replace("%", "%%")


def _command() -> List[str]:
    """How the unit starts the companion: this virtualenv's `companion listen`, as absolute words."""
    script = Path(sys.executable).parent / "companion"
    start = [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]
    return [*start, "listen"]


def _home() -> Optional[str]:
    """COMPANION_HOME made absolute (the unit runs elsewhere); ConfigError if it could never be a folder name."""
    home = os.environ.get("COMPANION_HOME", "").strip()
    if not home:
        return None
    _plain_path(home, "COMPANION_HOME")
    return str(Path(home).expanduser().absolute())


def unit_text() -> str:
    """The unit: hands-free listening, restarted if it fails, nothing reported anywhere."""
    from assistant import paths

    home = _home()
    lines = [MARK, "[Unit]", "Description=companion, an offline voice companion for couples", "",
             "[Service]", "Type=simple", f"WorkingDirectory={_plain_path(str(paths.PROJECT), 'the project folder')}",
             "ExecStart=" + " ".join(_quote(word, dollars=True) for word in _command()),
             "Environment=RASA_TELEMETRY_ENABLED=false", "Environment=PYTHONUNBUFFERED=1"]
    if home:
        lines.append("Environment=" + _quote(f"COMPANION_HOME={home}", always=True))
    lines += ["Restart=on-failure", "RestartSec=5", "", "[Install]", "WantedBy=default.target", ""]
    return "\n".join(lines)


def systemctl(*args: str) -> Tuple[bool, str]:
    """Run `systemctl --user ARGS`: (whether it worked, its first line of output or error)."""
    if shutil.which("systemctl") is None:
        return False, "systemctl is not installed"
    try:
        done = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return False, str(err)
    lines: List[str] = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return done.returncode == 0, lines[0] if lines else ""


def install_service(args: argparse.Namespace) -> int:
    """Write the unit (privately, atomically) and, unless --no-start, enable and start it; non-zero if that fails."""
    from assistant.store import check_own, write_private

    path = unit_path()
    text = unit_text()
    check_own(path, OWN, "service unit")
    write_private(path, text)
    print(f"wrote {path}")
    if args.no_start:
        print(f"start it with: systemctl --user daemon-reload && systemctl --user enable --now {UNIT}")
        return 0
    ok, said = systemctl("daemon-reload")
    if ok:
        ok, said = systemctl("enable", "--now", UNIT)
    if not ok:
        raise ServiceError(f"could not start it ({printable(said) or 'systemctl failed'}); the unit is written, "
                           f"start it with: systemctl --user enable --now {UNIT}")
    print("the companion now runs in the background and starts when you log in")
    return 0


def uninstall_service(args: argparse.Namespace) -> int:
    """Stop and disable the unit if systemd is reachable, and remove the file (only one it wrote)."""
    from assistant.store import check_own

    path = unit_path()
    if not os.path.lexists(path):
        print(f"not installed ({path} does not exist)")
        return 0
    check_own(path, OWN, "service unit", "remove it yourself if you want it gone")
    try:
        if not os.access(path.parent, os.W_OK) or _read_only(path.parent):
            raise OSError(30, "Read-only file system")
        systemctl("disable", "--now", UNIT)
        path.unlink()
    except OSError as err:
        raise ServiceError(f"cannot remove {path} ({err.strerror or err})") from err
    systemctl("daemon-reload")
    print(f"removed {path}")
    return 0


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def service_status(args: argparse.Namespace) -> int:
    """Installed or not, and what systemd says about it when it can be asked."""
    path = unit_path()
    if not path.exists():
        print(f"not installed (companion service install writes {path})")
        return 0
    ok, said = systemctl("is-active", UNIT)
    state: Optional[str] = said if said else None
    print(f"installed at {path}; " + (f"systemd says: {state}" if state and (ok or state in ("inactive", "failed"))
                                      else "the systemd user manager is not reachable here"))
    return 0
