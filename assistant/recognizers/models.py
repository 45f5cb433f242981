"""Vosk models in the user's data dir: list them, download one (progress, SHA-256 check, atomic install)."""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, List, Optional

from assistant.errors import RecognizerError

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
DEFAULT_BASE_URL = "https://alphacephei.com/vosk/models"

# Pinned SHA-256 of the official zips. Not computed on this machine (no access to the model site here):
# the small en-us digest and size (41,205,931 bytes) are the ones published identically by several
# independent projects that verify this archive. A name missing here downloads as "unverified".
PINNED_SHA256 = {
    "vosk-model-small-en-us-0.15": "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
}


@dataclass(frozen=True)
class InstalledModel:
    """A Vosk model directory found on disk."""

    name: str
    path: Path
    size_bytes: int


def looks_like_vosk_model(path: Path) -> bool:
    """True if the folder has a Vosk acoustic model and a decoding graph."""
    from assistant.recognizers.vosk import check_model_dir

    try:
        check_model_dir(path)
    except RecognizerError:
        return False
    return True


def folder_size(path: Path) -> int:
    """Total size of the files under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def installed_models(root: Optional[Path] = None) -> List[InstalledModel]:
    """Vosk models under the user models dir, English ones first."""
    from assistant import paths

    root = root or paths.user_models_dir()
    if not root.is_dir():
        return []
    found = [InstalledModel(p.name, p, folder_size(p)) for p in sorted(root.iterdir())
             if p.is_dir() and not p.name.startswith(".") and looks_like_vosk_model(p)]
    return sorted(found, key=lambda m: (not ("-en-" in m.name or m.name.endswith("-en")), m.name))


def human_size(n: int) -> str:
    """Bytes as a short human string."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


class Progress:
    """A one-line progress bar on a terminal stream (stderr)."""

    def __init__(self, total: Optional[int], out: IO[str], label: str) -> None:
        self.total, self.out, self.label = total, out, label
        self.done = 0
        self._last = 0.0

    def update(self, n: int) -> None:
        """Count `n` more bytes; redraw at most 10 times a second."""
        self.done += n
        now = time.monotonic()
        if now - self._last >= 0.1 or (self.total and self.done >= self.total):
            self._last = now
            self.draw()

    def draw(self) -> None:
        """Write the bar."""
        if self.total:
            frac = min(1.0, self.done / self.total)
            bar = "#" * int(frac * 30)
            self.out.write(f"\r{self.label} [{bar:<30}] {frac * 100:5.1f}% {human_size(self.done)}/{human_size(self.total)}")
        else:
            self.out.write(f"\r{self.label} {human_size(self.done)}")
        self.out.flush()

    def end(self) -> None:
        """Finish the line."""
        self.draw()
        self.out.write("\n")
        self.out.flush()


def _fetch(url: str, dest: Path, out: IO[str], label: str, timeout: float) -> str:
    """Stream `url` into `dest` with a progress bar; the SHA-256 hex digest of what was written."""
    import urllib.error
    import urllib.request

    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as handle:
            length = response.headers.get("Content-Length")
            progress = Progress(int(length) if length and length.isdigit() else None, out, label)
            while True:
                block = response.read(1 << 16)
                if not block:
                    break
                handle.write(block)
                digest.update(block)
                progress.update(len(block))
            progress.end()
    except urllib.error.HTTPError as err:
        raise RecognizerError(f"download failed: {url} answered HTTP {err.code}") from err
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", None) or getattr(err, "strerror", None) or err
        raise RecognizerError(f"download failed: cannot fetch {url} ({reason})") from err
    return digest.hexdigest()


def _safe_extract(archive: Path, dest: Path) -> None:
    """Unzip, refusing entries that would land outside `dest`."""
    try:
        with zipfile.ZipFile(archive) as zf:
            root = dest.resolve()
            for info in zf.infolist():
                target = (dest / info.filename).resolve()
                if root != target and root not in target.parents:
                    raise RecognizerError(f"refusing to install: the archive has an unsafe path {info.filename!r}")
            zf.extractall(dest)
    except zipfile.BadZipFile as err:
        raise RecognizerError("download failed: the file is not a valid zip archive") from err


def _model_root(extracted: Path, name: str) -> Path:
    """The model folder inside an extracted archive (a top folder named like the model, or the archive root)."""
    if looks_like_vosk_model(extracted / name):
        return extracted / name
    if looks_like_vosk_model(extracted):
        return extracted
    subdirs = [p for p in extracted.iterdir() if p.is_dir()]
    if len(subdirs) == 1 and looks_like_vosk_model(subdirs[0]):
        return subdirs[0]
    raise RecognizerError(f"the archive for {name} does not contain a Vosk model")


def download_model(name: str = DEFAULT_MODEL, base_url: Optional[str] = None, sha256: Optional[str] = None,
                   root: Optional[Path] = None, force: bool = False, out: Optional[IO[str]] = None,
                   timeout: float = 30.0) -> InstalledModel:
    """Fetch <base_url>/<name>.zip, check its SHA-256, unzip it into the models dir atomically."""
    from assistant import paths

    out = out or sys.stderr
    if not name or "/" in name or name.startswith("."):
        raise RecognizerError(f"invalid model name '{name}'")
    root = root or paths.user_models_dir()
    final = root / name
    if final.exists() and not force:
        raise RecognizerError(f"{name} is already installed at {final} (use --force to replace it)")
    from assistant import paths
    from assistant.settings import environment

    base = (base_url or environment().model_url or DEFAULT_BASE_URL).rstrip("/")
    url = f"{base}/{name}.zip"
    expected = (sha256 or PINNED_SHA256.get(name) or "").strip().lower() or None
    try:
        paths.private_dir(root)
        work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
    except OSError as err:
        raise RecognizerError(f"cannot write to the models folder {root}: {err.strerror or err}") from err
    try:
        archive = work / f"{name}.zip"
        actual = _fetch(url, archive, out, name, timeout)
        if expected is None:
            out.write(f"{name}: unverified (no pinned SHA-256 for this model); sha256 {actual}\n")
        elif actual != expected:
            raise RecognizerError(f"checksum mismatch for {name}: expected sha256 {expected}, got {actual}; nothing installed")
        else:
            out.write(f"{name}: sha256 verified\n")
        extracted = work / "unpacked"
        extracted.mkdir()
        _safe_extract(archive, extracted)
        model = _model_root(extracted, name)
        if final.exists():
            old = work / "previous"
            final.rename(old)
        model.rename(final)
        paths.private_tree(final)  # a model installed under any umask is the user's alone
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return InstalledModel(name, final, folder_size(final))
