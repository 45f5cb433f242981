"""The dialogue benches' shared driver: the real trained model and actions, a fresh conversation per line, a
check-in walked up to the question a line answers, and the listening window a line is heard in."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(BENCH)]

from assistant import telemetry  # noqa: E402,F401
from benchlib import scratch_dir  # noqa: E402

PARTNERS = ("Sam", "Alex")
NIGHT = datetime(2026, 12, 6, 23, 0)
FILLER = "fine thanks"  # the earlier answers, when a line answers a later question
# A question as a set's author wrote it -> (check-in kind, question id), by its words, when no phrasing matches.
QUESTION_CUES: Tuple[Tuple[str, str, str], ...] = (
    (r"\b(connected|close)\b.*\btoday\b|\btoday\b.*\b(connected|close)\b", "bedtime", "connected"),
    (r"\bappreciat|\bvalued\b|\bthankful\b|\bglad about\b", "bedtime", "appreciated"),
    (r"\btomorrow\b", "bedtime", "tomorrow"),
    (r"\benjoy|\bfavourite\b|\bfelt especially good\b|\bkeep just\b", "after_intimacy", "enjoyable"),
    (r"\bnext time\b|\banother time\b|\bchange\b|\badjust\b|\bin future\b", "after_intimacy", "next_time"),
    (r"\bhow (was|did) that\b|\bafter being close\b|\btime together\b", "after_intimacy", "how_was_it"),
)
Hear = Callable[[str], str]  # what the companion hears of a line: typed (the line) or spoken (a transcript)


def load_engine(model_dir: Optional[Path] = None) -> Any:
    """The real dialogue engine on the app's trained model (trained first if it is missing or stale)."""
    from assistant.dialogue import training
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.settings import Settings
    from assistant.store import StateStore

    result = training.train(model_dir, quiet=True)
    home = scratch_dir("bench-dialogue-")
    ctx = ActionContext(Settings(partners=PARTNERS), state=StateStore(home / "state.json"), clock=lambda: NIGHT)
    return RasaDialogueEngine.load(result.path, ctx)


def fresh(engine: Any, journal: bool = False) -> Any:
    """A new conversation on the loaded model: its own data dir, the partners Sam and Alex, at night."""
    from assistant.dialogue.actions.context import ActionContext
    from assistant.settings import Settings
    from assistant.store import StateStore

    home = scratch_dir("bench-dialogue-")
    state = StateStore(home / "state.json")
    book = None
    if journal:
        from assistant.journal import Journal

        book = Journal.open(home / "journal.sqlite3", state=state)
    return engine.fork(ActionContext(Settings(partners=PARTNERS), state=state, clock=lambda: NIGHT, journal=book))


def question_target(question: str, checkins: Dict[str, Any]) -> Tuple[str, str]:
    """(kind, question id) of a question as written in a set: a phrasing of ours, else its words."""
    said = " ".join(re.sub(r"[^\w' ]+", " ", question.lower()).split())
    for kind, script in checkins.items():
        for q in script.questions:
            for phrasing in q.phrasings:
                for name in PARTNERS:
                    words = " ".join(re.sub(r"[^\w' ]+", " ", phrasing.replace("{partner}", name).lower()).split())
                    if words == said:
                        return kind, q.id
    for pattern, kind, qid in QUESTION_CUES:
        if re.search(pattern, said):
            return kind, qid
    raise ValueError(f"no check-in question like {question!r}")


def checkin_plan(conv: Any) -> Any:
    """The running check-in's plan (None when none runs)."""
    from assistant import turns

    return turns.CheckinPlan.from_slot(conv.slot("checkin_state"))


def walk_to(conv: Any, kind: str, question_id: str) -> List[str]:
    """Start a check-in of `kind` and answer with filler until `question_id` is asked; what was said on the way."""
    from assistant import turns

    said: List[str] = []
    reply = conv.respond("start the bedtime check in" if kind == "bedtime" else "start the after intimacy check in")
    said += reply.texts
    questions = conv.ctx.checkins[kind].questions
    for _ in range(2 * len(questions)):
        plan = checkin_plan(conv)
        turn = turns.next_turn(plan, questions) if plan else None
        if turn is None:
            raise RuntimeError(f"the {kind} check-in did not start or ended early: {said}")
        if turn.question_id == question_id:
            return said
        said += conv.respond(FILLER).texts
    raise RuntimeError(f"never reached {question_id}")


def care_given(conv: Any, texts: Tuple[str, ...]) -> bool:
    """Whether a reply was the care reply and the evening turned gentle."""
    from assistant import care

    return care.CARE_REPLY in texts and bool(conv.slot("gentle_tonight")) and bool(conv.slot("care_tonight"))


def typed(text: str) -> str:
    """A typed line is heard as it is."""
    return text


def spoken_hearer(cache: Path, engine: str = "pocketsphinx", voice: str = "piper") -> Hear:
    """Each line spoken by the natural voice (or an espeak-ng `voice`) and heard by the bundled recogniser (or
    `engine`, a bench name such as whisper:tiny.en) in open mode, as a check-in answer."""
    from assistant.audio import read_wav
    from assistant.recognizers import EDGE_SILENCE, FEED_BYTES
    from benchlib import bench_recognizer
    from speechgen import SpeechMaker

    maker = SpeechMaker(cache)
    recognizer = bench_recognizer(engine, scratch_dir("bench-lm-"))
    edge = EDGE_SILENCE if engine != "pocketsphinx" else b""

    def hear(text: str) -> str:
        spoken = maker.piper(text) if voice == "piper" else maker.espeak(text, voice)
        clip = maker.vary(spoken, 0, 1.0, 0.005, pad_s=(0.3, 0.4), rate=16000)
        audio = edge + read_wav(clip)[0] + edge
        stream = recognizer.stream("open")
        step = FEED_BYTES if edge else 960
        for offset in range(0, len(audio), step):
            stream.accept(audio[offset:offset + step])
        return str(stream.finish().text)

    return hear


def rate(part: int, whole: int) -> float:
    """part / whole, 0 for nothing."""
    return round(part / whole, 3) if whole else 0.0


Row = Dict[str, Any]


def yaml_items(path: Path) -> List[Row]:
    """The lines of a set: a YAML list of mappings."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


def run_set(doc: str, run_line: Callable[[Any, Row, Hear], Row], score: Callable[[List[Row]], Row],
            miss: Callable[[Row], Optional[str]], spoken: bool = True,
            load: Callable[[Path], List[Row]] = yaml_items) -> None:
    """The command line every dialogue bench shares: each line of a set (`load`) run, the scores, and (--misses) the
    lines that went wrong."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", type=Path)
    parser.add_argument("--misses", action="store_true", help="print the lines that went wrong")
    if spoken:
        parser.add_argument("--spoken", action="store_true", help="speak each line, hear it through the recogniser")
        parser.add_argument("--engine", default="pocketsphinx", help="with --spoken: the recogniser (whisper:tiny.en)")
        parser.add_argument("--voice", default="piper", help="with --spoken: piper, or an espeak-ng voice (en-us+m3)")
        parser.add_argument("--speech-cache", type=Path, help="with --spoken: keep the spoken clips here (reused)")
    args = parser.parse_args()
    items = load(args.set)
    cache = getattr(args, "speech_cache", None) or scratch_dir("bench-speech-")
    hear = spoken_hearer(cache, args.engine, args.voice) if getattr(args, "spoken", False) else typed
    engine = load_engine()
    rows = [{**item, **run_line(engine, item, hear)} for item in items]
    print(json.dumps(score(rows), indent=1))
    for row in rows if args.misses else []:
        line = miss(row)
        if line:
            print(line)
