"""Is it for us? Typed words through the addressee gate, in the windows the companion opens.

- couple talk (tests/data/couple_talk_eval.txt, written blind): how often a line heard in a follow-up window
  would get a reply (the target is at most 1 in 100), per window kind;
- invited follow-ups (the blind NLU set's short commands of an invited intent): how often they are taken.

    .venv/bin/python bench/addressee.py [--misses]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, List, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import PROJECT, machine, machine_line, markdown_table, project_model_dir  # noqa: E402

DATA = PROJECT / "tests" / "data"


def windows() -> List[Tuple[str, object]]:
    """The windows a couple meets most: after a starter, after an offer, after the wake phrase alone."""
    from assistant.dialogue import addressee
    from assistant.messages import Parse
    from assistant.settings import ListenSettings

    listen = ListenSettings()
    plain = Parse("", "greet", 1.0)
    return [
        ("after a starter", addressee.window_after(listen, plain, None, "another", False, None)),
        ("after an offer", addressee.window_after(listen, plain, None, None, False, None)),
        ("after 'which check-in?'", addressee.window_after(listen, plain, None, "checkin_type", False, None)),
        ("after the wake phrase alone", addressee.addressed_window(listen)),
    ]


def main() -> int:
    """Print the reaction rates."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the lines that would get a reply")
    parser.add_argument("--talk", type=Path, default=DATA / "couple_talk_eval.txt", help="couple-talk lines")
    parser.add_argument("--commands", type=Path, default=DATA / "nlu_blind.yml", help="NLU examples (commands)")
    args = parser.parse_args()
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue import training
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.dialogue.evaluate import read_examples
    from assistant.settings import Settings

    model = training.model_path(project_model_dir())
    engine = RasaDialogueEngine.load(model, ActionContext(Settings()))
    talk = [line.strip() for line in args.talk.read_text().splitlines() if line.strip()]
    from assistant.dialogue.addressee import NEEDS_ENTITY, STATE_CHANGING

    def answerable(example: Any) -> bool:  # an answer to "which one?" must name one
        needed = NEEDS_ENTITY.get(example.intent)
        return not needed or any(entity in needed for entity, _ in example.entities)

    commands = [e for e in read_examples(args.commands) if len(e.text.split()) <= 7 and answerable(e)]
    rows = []
    for name, window in windows():
        reacted = [t for t in talk if engine.judge(t, window).for_me]  # type: ignore[arg-type]
        changing = [t for t in reacted if engine.parse(t).intent in STATE_CHANGING]
        invited = [e for e in commands if e.intent in window.invites]  # type: ignore[attr-defined]
        taken = [e for e in invited if engine.judge(e.text, window).for_me]  # type: ignore[arg-type]
        rows.append([name, len(talk), len(reacted), f"{100 * len(reacted) / len(talk):.1f}", len(changing),
                     len(invited), f"{len(taken) / len(invited):.3f}" if invited else "-"])
        if args.misses:
            for line in reacted:
                print(f"  [{name}] reacts to: {line!r} -> {engine.parse(line).intent}")
            for example in invited:
                if example not in taken:
                    print(f"  [{name}] misses: {example.text!r} ({example.intent}): "
                          f"{engine.judge(example.text, window).reason}")  # type: ignore[arg-type]
    print(machine_line(machine()))
    print(markdown_table(["window", "couple lines", "reactions", "per 100", "of them state-changing",
                                          "invited commands", "taken"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
