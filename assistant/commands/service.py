"""`companion service install|uninstall|status`: a systemd user unit that keeps the companion listening."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Optional, Tuple

UNIT = "companion.service"


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


def _command() -> str:
    """How the unit starts the companion: this virtualenv's `companion listen`."""
    script = Path(sys.executable).parent / "companion"
    start = str(script) if script.exists() else f"{sys.executable} -m assistant.cli"
    return f"{start} listen"


def unit_text() -> str:
    """The unit: hands-free listening, restarted if it fails, nothing reported anywhere."""
    from assistant import paths

    home = os.environ.get("COMPANION_HOME")
    lines = ["[Unit]", "Description=companion, an offline voice companion for couples", "",
             "[Service]", "Type=simple", f"WorkingDirectory={paths.PROJECT}", f"ExecStart={_command()}",
             "Environment=RASA_TELEMETRY_ENABLED=false", "Environment=PYTHONUNBUFFERED=1"]
    if home:
        lines.append(f"Environment=COMPANION_HOME={home}")
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
    """Write the unit (privately, atomically) and, unless --no-start, enable and start it."""
    from assistant.store import write_private

    path = unit_path()
    write_private(path, unit_text())
    print(f"wrote {path}")
    if args.no_start:
        print(f"start it with: systemctl --user daemon-reload && systemctl --user enable --now {UNIT}")
        return 0
    ok, said = systemctl("daemon-reload")
    if ok:
        ok, said = systemctl("enable", "--now", UNIT)
    if ok:
        print("the companion now runs in the background and starts when you log in")
    else:
        print(f"companion: could not start it ({said}); run: systemctl --user enable --now {UNIT}", file=sys.stderr)
    return 0


def uninstall_service(args: argparse.Namespace) -> int:
    """Stop and disable the unit if systemd is reachable, and remove the file."""
    path = unit_path()
    if not path.exists():
        print(f"not installed ({path} does not exist)")
        return 0
    systemctl("disable", "--now", UNIT)
    path.unlink()
    systemctl("daemon-reload")
    print(f"removed {path}")
    return 0


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
