"""The prompt library and check-in scripts: built-in YAML merged with the couple's own prompts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from assistant import paths
from assistant.errors import ConfigError

TOPICS: Tuple[str, ...] = (
    "mutuality",
    "desire",
    "initiation",
    "power",
    "body",
    "pleasure",
    "communication",
    "appreciation",
)
LEVELS: Tuple[str, ...] = ("gentle", "bold")
CHECKIN_KINDS: Tuple[str, ...] = ("bedtime", "after_intimacy")
MAX_PROMPT_WORDS = 25
BUILTIN_PROMPTS = paths.DIALOGUES_DIR / "prompts.yml"
BUILTIN_CHECKINS = paths.DIALOGUES_DIR / "checkins.yml"
USER_FILE_HEADER = (
    "# Your own conversation starters for the companion.\n"
    "# Each entry: id (optional), topic, text (at most 25 words), level (optional: gentle or bold).\n"
    "# Topics: " + ", ".join(TOPICS) + ".\n"
    "# Add more with: companion prompts add --topic TOPIC \"text\"\n"
)


@dataclass(frozen=True)
class Prompt:
    """One conversation starter."""

    id: str
    topic: str
    text: str
    level: Optional[str] = None
    source: str = "builtin"


@dataclass(frozen=True)
class Library:
    """Every prompt available, plus one-line notes about entries skipped from the user's file."""

    prompts: Tuple[Prompt, ...]
    problems: Tuple[str, ...] = ()

    def by_id(self, prompt_id: str) -> Optional[Prompt]:
        """The prompt with this id, if any."""
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        return None

    def for_topic(self, topic: Optional[str]) -> Tuple[Prompt, ...]:
        """The prompts about `topic`, or all prompts when `topic` is None."""
        if topic is None:
            return self.prompts
        wanted = topic.strip().lower()
        return tuple(p for p in self.prompts if p.topic == wanted)


@dataclass(frozen=True)
class CheckinQuestion:
    """One check-in question and the ways of asking it."""

    id: str
    phrasings: Tuple[str, ...]
    score: bool = False  # asks for a number from one to five (kept as the answer's rating)


@dataclass(frozen=True)
class CheckinScript:
    """A check-in: openings, questions asked of each partner in turn, closings."""

    kind: str
    openings: Tuple[str, ...]
    questions: Tuple[CheckinQuestion, ...]
    closings: Tuple[str, ...]
    transitions: Tuple[str, ...] = ()
    hard_closings: Tuple[str, ...] = ()  # for an evening with a hard answer in it (else the closings)


def word_count(text: str) -> int:
    """Words as spoken: runs of letters, digits and apostrophes."""
    return len(re.findall(r"[\w']+", text))


def check_topic(topic: Optional[str]) -> str:
    """The canonical topic name; ConfigError listing valid topics if unknown."""
    name = (topic or "").strip().lower()
    if name not in TOPICS:
        raise ConfigError(f"unknown topic {topic!r}; choose one of: {', '.join(TOPICS)}")
    return name


def _read_yaml(path: Path) -> Any:
    """Parse a YAML file; ConfigError with the file and line on failure (missing, not UTF-8, too big, bad YAML)."""
    from assistant.settings import read_text_file

    text = read_text_file(path, "the file")
    if text is None:
        raise ConfigError(f"cannot read {path}: no such file")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{path} is not valid YAML{where}") from err


def _entries(data: Any, path: Path) -> List[Any]:
    """The list of prompt entries in a parsed prompts file (a `prompts:` list or a bare list)."""
    if data is None:
        return []
    if isinstance(data, dict):
        data = data.get("prompts") or []
    if not isinstance(data, list):
        raise ConfigError(f"{path} should hold a list named 'prompts'")
    return data


def _user_id(topic: str, text: str) -> str:
    """A stable id for a user prompt written without one."""
    digest = hashlib.sha1(" ".join(text.lower().split()).encode("utf-8")).hexdigest()[:6]
    return f"user-{topic}-{digest}"


def _parse_entry(entry: Any, source: str) -> Prompt:
    """One validated prompt; ValueError naming the problem otherwise."""
    if not isinstance(entry, dict):
        raise ValueError("is not a mapping with topic and text")
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("has no text")
    text = " ".join(text.split())
    topic = entry.get("topic")
    if not isinstance(topic, str) or topic.strip().lower() not in TOPICS:
        raise ValueError(f"has unknown topic {topic!r} (valid: {', '.join(TOPICS)})")
    topic = topic.strip().lower()
    words = word_count(text)
    if words > MAX_PROMPT_WORDS:
        raise ValueError(f"is too long ({words} words; at most {MAX_PROMPT_WORDS})")
    level = entry.get("level")
    if level is not None and level not in LEVELS:
        raise ValueError(f"has unknown level {level!r} (valid: {', '.join(LEVELS)})")
    raw_id = entry.get("id")
    if raw_id is None and source == "user":
        raw_id = _user_id(topic, text)
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise ValueError("has no id")
    return Prompt(id=raw_id.strip(), topic=topic, text=text, level=level, source=source)


def _label(index: int, entry: Any) -> str:
    """How a problem message names an entry: its position and, if present, its id."""
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return f"entry {index} ({entry['id']})"
    return f"entry {index}"


@lru_cache(maxsize=4)
def _builtin_prompts(path: Path) -> Tuple[Prompt, ...]:
    """The built-in library, parsed once; ConfigError on any malformed entry."""
    prompts: List[Prompt] = []
    seen = set()
    for index, entry in enumerate(_entries(_read_yaml(path), path), start=1):
        try:
            prompt = _parse_entry(entry, "builtin")
        except ValueError as err:
            raise ConfigError(f"{path}: {_label(index, entry)} {err}") from None
        if prompt.id in seen:
            raise ConfigError(f"{path}: {_label(index, entry)} repeats the id {prompt.id!r}")
        seen.add(prompt.id)
        prompts.append(prompt)
    if not prompts:
        raise ConfigError(f"{path} holds no prompts")
    return tuple(prompts)


def _user_prompts(path: Path, taken: "set[str]") -> Tuple[List[Prompt], List[str]]:
    """The user's valid prompts and one line per skipped entry; never raises for bad content."""
    if not path.exists():
        return [], []
    try:
        entries = _entries(_read_yaml(path), path)
    except ConfigError as err:
        return [], [f"{err}; using the built-in prompts only"]
    prompts: List[Prompt] = []
    problems: List[str] = []
    seen = set(taken)
    for index, entry in enumerate(entries, start=1):
        try:
            prompt = _parse_entry(entry, "user")
        except ValueError as err:
            problems.append(f"{path}: {_label(index, entry)} {err}; skipped")
            continue
        if prompt.id in seen:
            problems.append(f"{path}: {_label(index, entry)} repeats the id {prompt.id!r}; skipped")
            continue
        seen.add(prompt.id)
        prompts.append(prompt)
    return prompts, problems


def load_library(user_file: Optional[Path] = None) -> Library:
    """The built-in prompts merged with the user's prompts file (bad user entries become problems)."""
    builtin = _builtin_prompts(BUILTIN_PROMPTS)
    path = user_file if user_file is not None else paths.user_prompts_file()
    user, problems = _user_prompts(path, {p.id for p in builtin})
    return Library(prompts=builtin + tuple(user), problems=tuple(problems))


def _next_user_id(topic: str, taken: "set[str]") -> str:
    """The next free `user-<topic>-NN` id."""
    number = 1
    while f"user-{topic}-{number:02d}" in taken:
        number += 1
    return f"user-{topic}-{number:02d}"


def add_user_prompt(topic: str, text: str, user_file: Optional[Path] = None) -> Prompt:
    """Validate and append a prompt to the user's prompts file; returns the saved prompt."""
    from assistant import store

    topic = check_topic(topic)
    text = " ".join((text or "").split())
    if not text:
        raise ConfigError("the prompt text is empty")
    words = word_count(text)
    if words > MAX_PROMPT_WORDS:
        raise ConfigError(f"the prompt is {words} words long; keep it to {MAX_PROMPT_WORDS} or fewer")
    path = user_file if user_file is not None else paths.user_prompts_file()
    with store.locked(path):
        try:
            _entries(_read_yaml(path), path) if path.exists() else []
        except ConfigError as err:
            raise ConfigError(f"{err}; fix or move it before adding prompts") from err
        library = load_library(path)
        same = " ".join(text.lower().split())
        for prompt in library.prompts:
            if " ".join(prompt.text.lower().split()) == same:
                raise ConfigError(f"that prompt is already in the library as {prompt.id}")
        document = _round_trip(path)
        entries = document["prompts"]
        taken = {p.id for p in library.prompts}
        taken.update(e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str))
        prompt = Prompt(id=_next_user_id(topic, taken), topic=topic, text=text, source="user")
        entries.append({"id": prompt.id, "topic": prompt.topic, "text": prompt.text})
        store.write_private(path, _dump_checked(document, entries))
    return prompt


def _round_trip(path: Path) -> Any:
    """The user's prompts file as an editable document that keeps their comments and other keys."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml_rt = _ruamel()
    document = yaml_rt.load(path.read_text(encoding="utf-8")) if path.exists() else None
    if document is None:
        document = yaml_rt.load(USER_FILE_HEADER + "version: 1\nprompts: []\n")
    if isinstance(document, list):
        document = CommentedMap([("version", 1), ("prompts", document)])
    if not isinstance(document.get("prompts"), list):
        document["prompts"] = CommentedSeq()
    if isinstance(document["prompts"], CommentedSeq) and not document["prompts"]:
        document["prompts"].fa.set_block_style()
    return document


def _ruamel() -> Any:
    from ruamel.yaml import YAML

    yaml_rt: Any = YAML()
    yaml_rt.preserve_quotes = True
    yaml_rt.width = 1000
    yaml_rt.indent(mapping=2, sequence=4, offset=2)
    return yaml_rt


def _dump_checked(document: Any, entries: List[Any]) -> str:
    """The edited document as text, checked to read back the same; plain YAML of the entries if not."""
    import io

    out = io.StringIO()
    _ruamel().dump(document, out)
    text = out.getvalue().rstrip("\n") + "\n"
    plain = [dict(e) if isinstance(e, dict) else e for e in entries]
    try:
        if _entries(yaml.safe_load(text), Path("prompts.yml")) == plain:
            return text
    except (yaml.YAMLError, ConfigError):
        pass
    return USER_FILE_HEADER + yaml.safe_dump({"version": 1, "prompts": plain}, sort_keys=False, allow_unicode=True, width=1000)


def _strings(value: Any, where: str, minimum: int = 1) -> Tuple[str, ...]:
    """A list of non-empty strings, or ConfigError naming where it is wrong."""
    if not isinstance(value, list) or len(value) < minimum:
        raise ConfigError(f"{where} needs a list of at least {minimum} line(s)")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ConfigError(f"{where} has an empty or non-text line")
    return tuple(" ".join(item.split()) for item in value)


def _parse_checkin(kind: str, raw: Any, path: Path) -> CheckinScript:
    """One check-in script from its YAML mapping."""
    where = f"{path}: check-in {kind!r}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} is not a mapping")
    questions: List[CheckinQuestion] = []
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise ConfigError(f"{where} has no questions")
    for index, item in enumerate(raw_questions, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ConfigError(f"{where} question {index} has no id")
        if any(q.id == item["id"] for q in questions):
            raise ConfigError(f"{where} repeats the question id {item['id']!r}")
        phrasings = _strings(item.get("phrasings"), f"{where} question {item['id']!r} phrasings")
        score = item.get("score", False)
        if not isinstance(score, bool):
            raise ConfigError(f"{where} question {item['id']!r}: score must be true or false")
        questions.append(CheckinQuestion(id=item["id"], phrasings=phrasings, score=score))
    transitions, hard = raw.get("transitions"), raw.get("hard_closings")
    return CheckinScript(
        kind=kind,
        openings=_strings(raw.get("openings"), f"{where} openings"),
        questions=tuple(questions),
        closings=_strings(raw.get("closings"), f"{where} closings"),
        transitions=_strings(transitions, f"{where} transitions") if transitions is not None else (),
        hard_closings=_strings(hard, f"{where} hard_closings") if hard is not None else (),
    )


@lru_cache(maxsize=4)
def _builtin_checkins(path: Path) -> Tuple[CheckinScript, ...]:
    """The check-in scripts, parsed once; ConfigError on anything malformed."""
    data = _read_yaml(path)
    raw = data.get("checkins") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} should hold a mapping named 'checkins'")
    missing = [kind for kind in CHECKIN_KINDS if kind not in raw]
    if missing:
        raise ConfigError(f"{path} is missing the check-in(s): {', '.join(missing)}")
    return tuple(_parse_checkin(kind, raw[kind], path) for kind in raw)


def load_checkins() -> Dict[str, CheckinScript]:
    """Check-in scripts by kind: "bedtime" and "after_intimacy"."""
    return {script.kind: script for script in _builtin_checkins(BUILTIN_CHECKINS)}
