#!/usr/bin/env bash
# One-time set-up, safe to re-run: system packages, Python 3.10, the virtualenv and pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# 1. System packages: espeak-ng (speech), libportaudio2 (microphone/speaker), sox (audio tools),
#    strace (the no-network test), pocketsphinx-testdata (real human recordings for tests).
SYSTEM_PACKAGES="espeak-ng libportaudio2 sox strace pocketsphinx-testdata"
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

# 2. Python 3.10 (Rasa 3.6 runs on Python 3.8-3.10 only).
find_python() {
  local candidates=(python3.10)
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for dir in "$root"/versions/3.10*/bin /usr/local/bin /usr/bin; do
    [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
  done
  for py in "${candidates[@]}"; do
    if "$py" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
      command -v "$py" 2>/dev/null || echo "$py"
      return 0
    fi
  done
  return 1
}

VENV=.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  PY=$(find_python) || { say "Python 3.10 not found; install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv') and re-run"; exit 1; }
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
