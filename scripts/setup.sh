#!/usr/bin/env bash
# One-time set-up, safe to re-run: system packages, Python 3.10, the virtualenv and pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# 1. System packages: espeak-ng (speech), libportaudio2 (microphone/speaker), sox (audio tools),
#    strace (the no-network test), pocketsphinx-testdata (real human recordings for tests),
#    pulseaudio, pulseaudio-utils, libasound2-plugins (a private sound server for the live-audio test).
SYSTEM_PACKAGES="espeak-ng libportaudio2 sox strace pocketsphinx-testdata pulseaudio pulseaudio-utils libasound2-plugins"
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in $SYSTEM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    say "missing system packages:$missing"
    say "install them with: sudo apt-get install -y$missing"
    exit 1
  fi
fi

# 2. Python 3.10 (Rasa 3.6 runs on Python 3.8-3.10 only): on PATH, pyenv, the usual folders, else a
#    managed one from uv (installed from PyPI into a private tool folder).
TOOLS="${COMPANION_TOOLS_DIR:-.venv-tools}"
UV_VERSION=0.13.9
NO_PYTHON_HINT="Python 3.10 not found and uv could not fetch one; install it (e.g. 'pyenv install 3.10', 'apt-get install python3.10 python3.10-venv' or 'uv python install 3.10') and re-run"

is_python310() { "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

find_python() {
  local candidates=(python3.10)
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for dir in "$root"/versions/3.10*/bin ${PYTHON_SEARCH_DIRS-/usr/local/bin /usr/bin}; do
    [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
  done
  for py in "${candidates[@]}"; do
    if is_python310 "$py"; then
      command -v "$py" 2>/dev/null || echo "$py"
      return 0
    fi
  done
  return 1
}

install_uv() {
  [ -x "$TOOLS/bin/uv" ] && return 0
  local base
  base=$(command -v python3 || true)
  [ -n "$base" ] || { say "no python3 on PATH to install uv with"; return 1; }
  say "installing uv $UV_VERSION from PyPI into $TOOLS"
  mkdir -p "$TOOLS"
  if "$base" -m venv "$TOOLS" >/dev/null 2>&1 && [ -x "$TOOLS/bin/pip" ]; then
    "$TOOLS/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION" >"$TOOLS/pip.log" 2>&1 && [ -x "$TOOLS/bin/uv" ] && return 0
  fi
  "$base" -m pip install -q --disable-pip-version-check --target "$TOOLS/lib" "uv==$UV_VERSION" >"$TOOLS/pip.log" 2>&1 || return 1
  mkdir -p "$TOOLS/bin" && ln -sf "../lib/bin/uv" "$TOOLS/bin/uv" && [ -x "$TOOLS/bin/uv" ]
}

managed_python() {
  install_uv || return 1
  local dir="$TOOLS"
  case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
  say "asking uv for a managed Python 3.10 (kept in $dir/python)"
  export UV_PYTHON_INSTALL_DIR="$dir/python"
  "$TOOLS/bin/uv" python install 3.10 >"$TOOLS/uv.log" 2>&1 || { tail -n 3 "$TOOLS/uv.log" >&2; return 1; }
  local py
  py=$("$TOOLS/bin/uv" python find 3.10 2>>"$TOOLS/uv.log") || return 1
  is_python310 "$py" && echo "$py"
}

choose_python() { find_python || managed_python; }

if [ "${1:-}" = "--print-python" ]; then  # for tests: only the choice of interpreter
  choose_python || { say "$NO_PYTHON_HINT"; exit 1; }
  exit 0
fi

VENV=.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  PY=$(choose_python) || { say "$NO_PYTHON_HINT"; exit 1; }
  say "creating $VENV with $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

# 3. Pinned packages, installed again only when pyproject.toml or requirements.lock change.
STAMP="$VENV/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  say "installing Python packages (first time: about 2-3 minutes)"
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]' > "$VENV/pip.log" 2>&1; then
    tail -n 20 "$VENV/pip.log" >&2
    say "installing Python packages failed (full log: $VENV/pip.log)"
    exit 1
  fi
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi
