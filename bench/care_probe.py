"""What the care decision sees for each line of a care set, without the dialogue: the classifier's top intent and its
disclosure probability, the word opinion, the cues, and the decision `assistant.care.is_disclosure` takes. For reading
why a line went the way it did, and for trying a decision rule on the features offline (JSON lines with --json).

    .venv/bin/python bench/care_probe.py SET.yml [--json OUT.jsonl] [--wrong]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from care import load  # noqa: E402
from dialoguebench import fresh, load_engine, question_target  # noqa: E402


def features(engine: Any, item: Dict[str, Any]) -> Dict[str, Any]:
    """The parse of one line and what the care path makes of it where it is said."""
    from assistant import care
    from assistant.care_cues import has_answer_cue, has_consent_cue, has_distress_cue, is_ordinary

    text, where = str(item["text"]), item["where"]
    parsed = engine._run(engine.agent.parse_message(text))
    ranking = parsed.get("intent_ranking") or []
    p_care = next((float(r["confidence"]) for r in ranking if r.get("name") == care.DISCLOSURE), 0.0)
    kind = qid = None
    if where == "checkin_answer":
        kind, qid = question_target(str(item.get("question") or ""), fresh(engine).ctx.checkins)
    intimate = kind == "after_intimacy"
    return {
        "text": text, "where": where, "label": item["label"], "question": qid,
        "intent": (parsed.get("intent") or {}).get("name"),
        "confidence": round(float((parsed.get("intent") or {}).get("confidence") or 0.0), 4),
        "p_care": round(p_care, 4), "opinion": parsed.get("care_opinion"),
        "distress_cue": has_distress_cue(text), "consent_cue": has_consent_cue(text, intimate),
        "answer_cue": has_answer_cue(text, qid), "ordinary": is_ordinary(text),
        "decision": care.is_disclosure(parsed, in_answer=where == "checkin_answer", intimate=intimate, asked=qid),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", type=Path)
    parser.add_argument("--json", type=Path, help="write every line's features here, one JSON object a line")
    parser.add_argument("--wrong", action="store_true", help="print only the lines the decision gets wrong")
    args = parser.parse_args()
    engine = load_engine()
    rows = [features(engine, item) for item in load(args.set) if item["where"] != "couple_talk"]
    if args.json:
        args.json.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for r in rows:
        if args.wrong and r["decision"] == (r["label"] == "care"):
            continue
        cues = "".join(c for c, k in (("D", "distress_cue"), ("C", "consent_cue"), ("A", "answer_cue"),
                                      ("o", "ordinary")) if r[k])
        print(f"{r['where'][:5]:5} {r['label'][:4]:4} {'CARE' if r['decision'] else '-':4} {str(r['intent'])[:12]:12} "
              f"{r['confidence']:.2f} p={r['p_care']:.2f} op={r['opinion'] or 0:.2f} {cues:3} {r['text'][:90]}")


if __name__ == "__main__":
    main()
