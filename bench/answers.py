"""An answer is an answer: check-in answers with command words, and the commands themselves, end to end.

Each line of a YAML list `{text, question, kind: answer|stop|pass|help|repeat, expect}` is said by the partner asked
`question` in a fresh check-in (walked up to it, a journal on) through the real trained model and dialogue. What
happened is read off the check-in itself: `answer` (kept, word for word, in the check-in and the journal, and the
other partner or the next question asked), `stop` (the check-in over at once), `pass` (kept as passed, the check-in
goes on), `help` and `repeat` (nothing kept, the same question asked again), or `care` (the care path). A line
scores when what happened is its `expect`.

    .venv/bin/python bench/answers.py /work/blind7/answers_with_commands.yml [--misses] [--spoken]
"""

from __future__ import annotations

import collections
from typing import Any, Dict, List, Optional

from dialoguebench import care_given, checkin_plan, fresh, question_target, rate, run_set, walk_to

OUTCOMES = ("answer", "stop", "pass", "help", "repeat")


def outcome(conv: Any, before: int, text: str, texts: Any) -> str:
    """What the companion made of one line said in a check-in."""
    from assistant.dialogue.actions.checkin import PASSED, STOPPED

    if care_given(conv, texts):
        return "care"
    plan = checkin_plan(conv)
    if plan is None:
        return "stop" if STOPPED in texts or "Okay, stopping." in texts else "closed"
    answers = plan.answers
    if len(answers) == before + 1:
        kept = answers[-1]["text"]
        if kept == PASSED:
            return "pass"
        journal = conv.ctx.journal.entries() if conv.ctx.journal is not None else []
        in_journal = bool(journal) and journal[-1]["answer"] == kept
        return "answer" if kept == text.strip() and in_journal else "answer-lost"
    if len(answers) == before:
        return "help" if any("your own words" in t for t in texts) else "repeat"
    return "other"


def run_line(engine: Any, item: Dict[str, Any], hear: Any) -> Dict[str, Any]:
    """One line in its own check-in."""
    conv = fresh(engine, journal=True)
    kind, qid = question_target(str(item["question"]), conv.ctx.checkins)
    walk_to(conv, kind, qid)
    before = len(checkin_plan(conv).answers)
    heard = hear(str(item["text"]))
    reply = conv.respond(heard)
    return {"got": outcome(conv, before, heard, reply.texts), "heard": heard, "said": list(reply.texts)}


def score(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Overall and per kind: the share of lines whose outcome is the one expected."""
    kinds = collections.Counter(r["expect"] for r in rows)
    return {"accuracy": rate(sum(r["got"] == r["expect"] for r in rows), len(rows)), "lines": len(rows),
            **{f"{k} ({n})": rate(sum(r["got"] == k for r in rows if r["expect"] == k), n) for k, n in kinds.items()}}


def miss(r: Dict[str, Any]) -> Optional[str]:
    """A line whose outcome is not the one expected."""
    if r["got"] == r["expect"]:
        return None
    return f"MISS expect={r['expect']:7} got={r['got']:11} {r['text']!r} heard {r['heard']!r} -> {r['said'][:2]}"


if __name__ == "__main__":
    run_set(__doc__ or "", run_line, score, miss)
