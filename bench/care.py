"""The care path end to end: disclosures and ordinary lines through the real trained model and dialogue.

Each line of a YAML list `{text, where: addressed|checkin_answer|couple_talk, question?, label: care|ordinary}` goes
to a fresh conversation: `addressed` as said after the wake phrase or typed; `checkin_answer` as the answer of the
partner asked `question` (a check-in is walked up to it); `couple_talk` as heard in the window a starter opens,
without the wake phrase (the companion hears it only if addressee.judge lets it through). A line gets the care path
when the reply is the care reply and the evening turned gentle.
Targets: every care line addressed or answered gets it (recall 1.0); at most 2 % of ordinary lines get it; couple
talk stays unheard.

A plain text file (tests/data/couple_talk_*.txt) is read as couple talk, every line ordinary: how many are heard in
the window and how many get the care path.

    .venv/bin/python bench/care.py /work/blind7/care.yml [--misses] [--spoken]
    .venv/bin/python bench/care.py tests/data/couple_talk_eval.txt
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

from dialoguebench import care_given, fresh, question_target, rate, run_set, walk_to, yaml_items


def run_line(engine: Any, item: Dict[str, Any], hear: Any) -> Dict[str, Any]:
    """One line: whether it was heard and whether it got the care path."""
    conv = fresh(engine)
    text, where = hear(str(item["text"])), item["where"]
    if where == "checkin_answer":
        kind, qid = question_target(str(item.get("question") or ""), conv.ctx.checkins)
        walk_to(conv, kind, qid)
    elif where == "couple_talk":
        conv.respond("give us a conversation starter")
        if not conv.judge(text, conv.window).for_me:
            return {"heard": False, "care": False, "said": []}
    reply = conv.respond(text)
    return {"heard": True, "care": care_given(conv, reply.texts), "said": list(reply.texts)}


def score(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Care recall (addressed and answers), false alarms (ordinary), couple talk heard."""
    told = [r for r in rows if r["label"] == "care" and r["where"] != "couple_talk"]
    ordinary = [r for r in rows if r["label"] == "ordinary"]
    talk = [r for r in rows if r["where"] == "couple_talk"]
    return {
        "care recall": rate(sum(r["care"] for r in told), len(told)), "care lines": len(told),
        "false alarms": rate(sum(r["care"] for r in ordinary), len(ordinary)), "ordinary lines": len(ordinary),
        "couple talk heard": rate(sum(r["heard"] for r in talk), len(talk)), "couple talk lines": len(talk),
        **{f"recall {w}": rate(sum(r["care"] for r in told if r["where"] == w), sum(r["where"] == w for r in told))
           for w in ("addressed", "checkin_answer")},
    }


def miss(r: Dict[str, Any]) -> Optional[str]:
    """A line that went wrong: care missed or given wrongly, or couple talk heard."""
    wrong = r["care"] != (r["label"] == "care") if r["where"] != "couple_talk" else r["heard"]
    return f"MISS {r['where']:14} {r['label']:8} care={r['care']} {r['text']!r} -> {r['said'][:1]}" if wrong else None


def load(path: Path) -> List[Dict[str, Any]]:
    """A YAML set, or a text file of couple talk (one ordinary line a line)."""
    if path.suffix == ".txt":
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        return [{"text": line, "where": "couple_talk", "label": "ordinary"} for line in lines if line]
    return yaml_items(path)


if __name__ == "__main__":
    run_set(__doc__ or "", run_line, score, miss, load=load)
