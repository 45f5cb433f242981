"""Topics asked for as wishes ("we want to talk about our different sex drives"), end to end.

Each line of a YAML list `{text, topic, missing?}` is said after the wake phrase (or typed) in a fresh conversation,
through the real trained model and dialogue. A line scores when it is taken as a request (`request_prompt`, never
couple talk) and the starter served is on `topic`; a topic the library lacks (`topic: none`, `missing: money`) scores
when the reply says so kindly and offers the nearest topic's starter.

    .venv/bin/python bench/topic_wishes.py /work/blind7/topic_wishes.yml [--misses]
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from dialoguebench import Hear, fresh, rate, run_set

MISSING_LEADS = ("I don't have questions on", "I'm not sure I have questions on")


def run_line(engine: Any, item: Dict[str, Any], hear: Hear) -> Dict[str, Any]:
    """One wish: the intent, the topic of the starter served, whether the lack was said."""
    conv = fresh(engine)
    reply = conv.respond(hear(str(item["text"])))
    served = conv.ctx.library.by_id(conv.slot("last_prompt_id") or "")
    said_missing = any(t.startswith(MISSING_LEADS) for t in reply.texts)
    want = str(item.get("topic") or "none")
    if want == "none":
        ok = said_missing and served is not None
    else:
        ok = served is not None and served.topic == want and not said_missing
    return {"intent": reply.parse.intent, "served": served.topic if served else None, "missing": said_missing,
            "ok": ok, "said": list(reply.texts)}


def score(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Requests recognised, topics right, lacks said."""
    present = [r for r in rows if str(r.get("topic")) != "none"]
    lacking = [r for r in rows if str(r.get("topic")) == "none"]
    return {"right": rate(sum(r["ok"] for r in rows), len(rows)), "lines": len(rows),
            "request": rate(sum(r["intent"] == "request_prompt" for r in rows), len(rows)),
            "topic right": rate(sum(r["ok"] for r in present), len(present)),
            "lack said": rate(sum(r["ok"] for r in lacking), len(lacking))}


def miss(r: Dict[str, Any]) -> Optional[str]:
    """A wish not taken as a request, or served off topic, or a lack not said."""
    if r["ok"] and r["intent"] == "request_prompt":
        return None
    return f"MISS want={r['topic']} got={r['served']} intent={r['intent']} lack={r['missing']} {r['text']!r} -> {r['said'][:1]}"


if __name__ == "__main__":
    run_set(__doc__ or "", run_line, score, miss, spoken=False)
