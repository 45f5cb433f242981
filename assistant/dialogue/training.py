"""Train the Rasa model only when its data or config changed (a content fingerprint)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional

from assistant import paths
from assistant.dialogue import patches
from assistant.errors import DialogueError

CONFIG_FILE = paths.NLU_DIR / "config.yml"
DOMAIN_FILE = paths.DIALOGUES_DIR / "domain.yml"
RASA_VERSION = "3.6.21"
# The sources whose code shapes what is trained: the components, what the care opinion's terms read (its themes,
# and the care cues' way of reading words), and the wishes' words and the subjects the library lacks (topics.py,
# dialogues/elsewhere.yml) the topic model learns.
COMPONENT_SOURCES = (*(Path(__file__).parent / name for name in ("nlu_components.py", "entity_values.py", "care_opinion.py")),
                     *(Path(__file__).parent.parent / name for name in ("care_themes.py", "care_cues.py", "topics.py")),
                     paths.DIALOGUES_DIR / "elsewhere.yml")


def training_files() -> List[Path]:
    """NLU data and dialogue rules/stories: everything Rasa trains on besides domain and config."""
    nlu = sorted(p for p in paths.NLU_DIR.glob("*.yml") if p.name != "config.yml")
    core = [p for p in (paths.DIALOGUES_DIR / "rules.yml", paths.DIALOGUES_DIR / "stories.yml") if p.exists()]
    return nlu + core


def fingerprint(files: Optional[Iterable[Path]] = None) -> str:
    """A short hash of everything that changes the trained model."""
    digest = hashlib.sha256(RASA_VERSION.encode())
    for path in files or [CONFIG_FILE, DOMAIN_FILE, *training_files(), *COMPONENT_SOURCES]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_model_dir(configured: Optional[str] = None) -> Path:
    """Where models live: `$COMPANION_MODEL_DIR`, the configured folder, the project's models/, or the data dir."""
    from assistant.settings import environment

    configured = environment().model_dir or configured
    if configured:
        return Path(configured).expanduser()
    if os.access(paths.MODELS_DIR, os.W_OK):
        return paths.MODELS_DIR
    return paths.home() / "models" / "rasa"


@dataclass(frozen=True)
class TrainResult:
    """Where the model is and whether it was trained just now."""

    path: Path
    trained: bool
    seconds: float = 0.0


def model_path(model_dir: Path, print_id: Optional[str] = None) -> Path:
    """The model file for a fingerprint."""
    return model_dir / f"companion-{print_id or fingerprint()}.tar.gz"


class _Progress:
    """Prints elapsed seconds on stderr while a long step runs."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label, self.quiet = label, quiet
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self.start = time.monotonic()

    def _tick(self) -> None:
        tty = sys.stderr.isatty()
        while not self._stop.wait(1.0 if tty else 5.0):
            elapsed = time.monotonic() - self.start
            end = "\r" if tty else "\n"
            print(f"companion: {self.label} … {elapsed:.0f} s", end=end, file=sys.stderr, flush=True)

    def __enter__(self) -> "_Progress":
        if not self.quiet:
            print(f"companion: {self.label} (this takes about 10-20 s, once) …", file=sys.stderr, flush=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if not self.quiet and exc[0] is None:
            print(f"companion: {self.label}: done in {time.monotonic() - self.start:.1f} s", file=sys.stderr, flush=True)


def verified(path: Path) -> bool:
    """True if `path` is a complete model archive (non-empty, every gzip block and its checksum readable)."""
    try:
        if path.is_symlink() or path.stat().st_size == 0:
            return False
        with tarfile.open(path, "r:gz") as archive:
            return bool(archive.getnames())
    except (OSError, EOFError, tarfile.TarError, zlib.error):
        return False


def _set_aside(path: Path) -> None:
    """Keep an incomplete model as `<name>.corrupt` instead of trusting or deleting it."""
    try:
        os.replace(path, path.with_name(path.name + ".corrupt"))
    except OSError:
        pass


def train(model_dir: Optional[Path] = None, force: bool = False, quiet: bool = False) -> TrainResult:
    """Train into `model_dir` unless a complete model with the current fingerprint is already there."""
    model_dir = model_dir or default_model_dir()
    target = model_path(model_dir)
    if target.exists() and not force:
        if verified(target):
            return TrainResult(target, trained=False)
        print(f"companion: the dialogue model {target} is incomplete or damaged (an interrupted training?); "
              "kept as .corrupt, retraining", file=sys.stderr, flush=True)
        _set_aside(target)
    try:
        created = not model_dir.exists()
        model_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if created or paths.home() in model_dir.parents:
            paths.private_dir(model_dir)
        work = Path(tempfile.mkdtemp(prefix=".companion-train-", dir=str(model_dir)))
    except OSError as err:
        raise DialogueError(f"cannot create the model folder {model_dir}: {err.strerror or err}") from err
    try:
        return _train_into(work, target, quiet)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _train_into(work: Path, target: Path, quiet: bool) -> TrainResult:
    """Train in the folder `work`, check the archive, then move it into place in one step."""
    model_dir = target.parent
    os.environ.setdefault("RASA_CACHE_DIRECTORY", str(model_dir / ".rasa-cache"))
    from assistant import telemetry  # noqa: F401

    start = time.monotonic()
    with _Progress("training the dialogue model", quiet):
        try:
            from rasa.model_training import train as rasa_train

            with contextlib.redirect_stdout(sys.stderr if not quiet else open(os.devnull, "w")), patches.training():
                result = rasa_train(
                    domain=str(DOMAIN_FILE),
                    config=str(CONFIG_FILE),
                    training_files=[str(p) for p in training_files()],
                    output=str(work),
                    fixed_model_name=target.name[: -len(".tar.gz")],
                    force_training=True,
                )
        except Exception as err:  # Rasa raises many types for bad data
            lines = [line.strip() for line in str(err).splitlines() if line.strip()]
            reason = lines[0] if lines else type(err).__name__
            raise DialogueError(f"training the dialogue model failed: {reason}") from err
    built = Path(result.model) if result.model else None
    if result.code != 0 or built is None or not verified(built):
        raise DialogueError("training the dialogue model failed; run `companion train --force` to see why")
    try:
        os.chmod(built, 0o600)
        with open(built, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(built, target)
    except OSError as err:
        raise DialogueError(f"cannot save the dialogue model in {model_dir}: {err.strerror or err}") from err
    for old in model_dir.glob("companion-*.tar.gz"):
        if old != target:
            old.unlink(missing_ok=True)
    if paths.home() in model_dir.parents:
        paths.private_tree(model_dir)  # Rasa's cache follows the umask otherwise
    return TrainResult(target, trained=True, seconds=time.monotonic() - start)
