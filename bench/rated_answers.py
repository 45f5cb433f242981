"""Ratings as a friend would hear them: answers to the closeness question, in numbers or words, end to end.

Each line of a YAML list `{text, rating: 1-5}` or `{text, level: low|middle|high}` is the answer to the bedtime
closeness question in a fresh check-in with a journal, through the real trained model and dialogue. A line scores
when the journal keeps the words as said and the rating is the one given (for a level: 1-2, 3 or 4-5).

    .venv/bin/python bench/rated_answers.py /work/blind7/rated_answers.yml [--misses]
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from dialoguebench import Hear, fresh, rate, run_set, walk_to

LEVELS = {"low": {"1", "2"}, "middle": {"3"}, "high": {"4", "5"}}


def run_line(engine: Any, item: Dict[str, Any], hear: Hear) -> Dict[str, Any]:
    """One answer to the closeness question: what the journal kept."""
    conv = fresh(engine, journal=True)
    walk_to(conv, "bedtime", "connected")
    conv.respond(hear(str(item["text"])))
    entries = conv.ctx.journal.entries()
    last = entries[-1] if entries else {}
    wanted = {str(item["rating"])} if item.get("rating") is not None else LEVELS[str(item.get("level"))]
    rating = last.get("rating")
    return {"kept": last.get("answer") == " ".join(str(item["text"]).split()), "got": rating, "ok": rating in wanted}


def score(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The share rated right (numbers and words apart) and the share kept word for word."""
    numbers = [r for r in rows if r.get("rating") is not None]
    words = [r for r in rows if r.get("rating") is None]
    return {"rated right": rate(sum(r["ok"] for r in rows), len(rows)), "lines": len(rows),
            "numbers": rate(sum(r["ok"] for r in numbers), len(numbers)),
            "words": rate(sum(r["ok"] for r in words), len(words)),
            "answer kept": rate(sum(r["kept"] for r in rows), len(rows))}


def miss(r: Dict[str, Any]) -> Optional[str]:
    """A line rated wrongly or not kept word for word."""
    if r["ok"] and r["kept"]:
        return None
    return f"MISS want={r.get('rating') or r.get('level')} got={r['got']} kept={r['kept']} {r['text']!r}"


if __name__ == "__main__":
    run_set(__doc__ or "", run_line, score, miss, spoken=False)
