"""Real human voices: the speech-to-intent benchmark's clips through bench/speech_to_intent.py's real path.

Command grammars (assistant/recognizers/grammar.py) are unit-tested first; then a handful of real recordings
(every 15th clip, clean and with kitchen noise at 9 dB) go through endpointing, the grammar-constrained
PocketSphinx recogniser and an NLU model trained by Rasa on the expanded grammar.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.recognizers.grammar import (EDGE_SILENCE_PROB, PAUSE_SILENCE_PROB, Choice, SlotRef, annotate,
                                           grammar_words, parse_expression, read_context,
                                           sample, sentences_fsg, sentences_jsgf, to_fsg, to_jsgf)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "speech-to-intent"
CONTEXT = {"context": {
    "expressions": {"orderDrink": ["[get me, I'd like] (a) $size:size coffee", "brew $size:size $roast:roast"]},
    "slots": {"size": ["small", "Twelve ounce"], "roast": ["dark roast"]},
}}
# Floors below what the full run measured over all 310 clips (docs/benchmarks.md: clean 0.945, 9 dB 0.687),
# with room for a few more misses on this small sample.
CLEAN_FLOOR, NOISY_FLOOR = 0.80, 0.45


def test_expression_parts() -> None:
    parts = parse_expression("[get me, I'd like] (a) $size:cupSize coffee")
    assert parts == (Choice(("get me", "i'd like")), Choice(("a",), True), SlotRef("size", "cupSize"), "coffee")


def test_samples_cover_every_expression_with_entities() -> None:
    grammar = read_context(CONTEXT)
    samples = sample(grammar, 40, seed=1)
    assert {text.split()[0] for _, text, _ in samples} >= {"get", "i'd", "brew"}
    for intent, text, entities in samples:
        assert intent == "orderDrink"
        for entity, value in entities:
            assert value in text and value in grammar.slots[entity]
    assert grammar.slots["size"] == ("small", "twelve ounce")


def test_annotate_marks_values_in_order() -> None:
    text = annotate("a small small roast", [("size", "small"), ("roast", "small roast")])
    assert text == "a [small](size) [small roast](roast)"


def test_jsgf_names_every_word_and_rule() -> None:
    jsgf = to_jsgf(read_context(CONTEXT))
    assert "public <command> = <orderDrink_0> | <orderDrink_1>;" in jsgf
    assert "<orderDrink_0> = (get me | i'd like) [(a)] <slot_size> coffee;" in jsgf
    assert grammar_words(jsgf) == sorted({"get", "me", "i'd", "like", "a", "coffee", "brew", "small", "twelve",
                                          "ounce", "dark", "roast"})
    assert "public <command> = hello there | yes;" in sentences_jsgf(["Yes!", "hello there", "yes"])


def test_fsg_is_a_minimal_network_of_exactly_the_grammar() -> None:
    fsg = sentences_fsg(["yes please", "yes", "no thanks", "no"]).splitlines()
    assert fsg[1:4] == ["NUM_STATES 5", "START_STATE 0", "FINAL_STATE 4"]
    assert sorted(line.split()[-1] for line in fsg if line.startswith("TRANSITION") and len(line.split()) == 5
                  and line.split()[-1] != "<sil>") == ["no", "please", "thanks", "yes"]
    compiled = to_fsg(read_context(CONTEXT))
    words = [line.split()[4] for line in compiled.splitlines() if line.startswith("TRANSITION") and len(line.split()) > 4
             and line.split()[4] != "<sil>"]
    assert words.count("coffee") == 1 and words.count("small") == 2  # shared tails merged; two slot positions
    assert grammar_words(compiled) == grammar_words(to_jsgf(read_context(CONTEXT)))


def test_fsg_silence_is_cheap_at_the_edges_and_priced_between_words() -> None:
    """Room noise before and after a command is silence; a pause inside it costs what PocketSphinx charges."""
    fsg = sentences_fsg(["yes please", "no"]).splitlines()
    final = int(fsg[3].split()[1])
    loops = {int(p[1]): float(p[3]) for p in (line.split() for line in fsg)
             if p[0] == "TRANSITION" and p[1] == p[2] and p[-1] == "<sil>"}
    assert set(loops) == set(range(int(fsg[1].split()[1])))  # every state may hold a silence
    assert loops[0] == loops[final] == EDGE_SILENCE_PROB
    assert all(p == PAUSE_SILENCE_PROB for s, p in loops.items() if s not in (0, final))
    assert "<sil>" not in grammar_words("\n".join(fsg))


def test_bad_context_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        read_context({"context": {"expressions": {"x": ["$a:a"]}, "slots": {}}})
    with pytest.raises(ValueError, match="expressions"):
        read_context({"nothing": 1})


@pytest.mark.skipif(not (DATA / "label.json").exists(), reason="the speech-to-intent data is not here")
def test_real_voices_clean_and_noisy() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import speech_to_intent as bench

    rows = bench.evaluate(DATA, limit=20, selected="clean,9", workers=1, progress=False, stride=15)
    rates = {r["condition"]: r["rate"] for r in rows}
    assert [r["n"] for r in rows] == [20, 20]
    assert rates["clean"] >= CLEAN_FLOOR, rows
    assert rates["9dB"] >= NOISY_FLOOR, rows
