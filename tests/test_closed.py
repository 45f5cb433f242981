"""Closed-set recognition: the phrase network search on its own, then real people's coffee orders (the
speech-to-intent development clips) through Whisper tiny.en choosing among the grammar's sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assistant.recognizers import EDGE_SILENCE
from assistant.recognizers.closed import ClosedRecognizer, PhraseNetwork, nearest
from assistant.recognizers.grammar import read_context, sample, to_fsg

DATA = Path(__file__).resolve().parents[2] / "shared" / "speech-to-intent"
CONTEXT = {"context": {
    "expressions": {"order": ["[get me, I'd like] (a) $size:size $drink:drink", "brew $size:size $roast:roast"]},
    "slots": {"size": ["small", "twelve ounce"], "drink": ["coffee", "iced mocha"], "roast": ["dark roast"]},
}}


def test_exact_sentences_are_found_at_no_cost() -> None:
    grammar = read_context(CONTEXT)
    network = PhraseNetwork.from_grammar(grammar)
    for _, text, _ in sample(grammar, 20, seed=3):
        path, cost = nearest(network, text.split())
        assert (network.text(path), cost) == (text, 0.0)


def test_near_misses_land_on_the_nearest_sentence() -> None:
    network = PhraseNetwork.from_grammar(read_context(CONTEXT))
    heard = {"get me a small ice moga": "get me a small iced mocha",
             "i'd like twelve ounce coffee please": "i'd like twelve ounce coffee",
             "brew small rose": "brew small dark roast"}
    for words, expected in heard.items():
        path, cost = nearest(network, words.split())
        assert network.text(path) == expected and 0 < cost < len(words.split())


def test_phrasings_as_a_network() -> None:
    network = PhraseNetwork.from_sentences(["Stop", "next one", "say that again", "next"])
    assert network.words() == ["again", "next", "one", "say", "stop", "that"]
    assert network.text(nearest(network, "say it again".split())[0]) == "say that again"
    assert nearest(network, [])[1] == 1.0  # nothing heard: the shortest sentence, one word missing


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> ClosedRecognizer:
    """Whisper tiny.en on the benchmark's grammar, with PocketSphinx's word-network decode as a first pass."""
    from assistant.recognizers import load_recognizer
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer
    from assistant.settings import ListenSettings

    grammar = read_context(yaml.safe_load((DATA / "context.yaml").read_text(encoding="utf-8")))
    whisper = load_recognizer(ListenSettings(recognizer="whisper"), notify=pytest.fail)
    values = sorted({v for vs in grammar.slots.values() for v in vs})
    whisper.prompt_text["command"] = "Can I get a coffee? " + ", ".join(values) + "."
    phrases = [t for _, t, _ in sample(grammar, 2000, seed=1)] + values
    first = PocketSphinxRecognizer(phrases=phrases, cache_dir=tmp_path_factory.mktemp("ps"), grammar=to_fsg(grammar))
    return ClosedRecognizer(whisper, PhraseNetwork.from_grammar(grammar), first)


def _heard(recognizer: ClosedRecognizer, audio: bytes) -> str:
    stream = recognizer.stream("command")
    for offset in range(0, len(audio), 3200):
        stream.accept(audio[offset:offset + 3200])
    return stream.finish().text


@pytest.mark.skipif(not (DATA / "label.json").exists(), reason="the speech-to-intent data is not here")
def test_real_orders_come_out_as_grammar_sentences_with_their_slots(closed: ClosedRecognizer) -> None:
    import soundfile

    labels = json.loads((DATA / "label.json").read_text(encoding="utf-8"))
    network = closed.chooser.network
    right = 0
    clips = sorted(DATA.glob("clips/*.flac"))[5::60]
    for clip in clips:
        samples, _ = soundfile.read(str(clip), dtype="int16")
        text = _heard(closed, EDGE_SILENCE + samples.tobytes() + EDGE_SILENCE * 4)
        assert nearest(network, text.split())[1] == 0.0, text  # always a sentence of the grammar
        right += all(f" {v.strip()} " in f" {text} " for v in labels[clip.name]["slots"].values())
    assert right >= len(clips) - 1


@pytest.mark.skipif(not (DATA / "noise").is_dir(), reason="the speech-to-intent noise is not here")
def test_kitchen_noise_alone_is_no_order(closed: ClosedRecognizer) -> None:
    import soundfile

    samples, _ = soundfile.read(str(DATA / "noise" / "kitchen.flac"), dtype="int16", frames=16000 * 3)
    assert _heard(closed, samples.tobytes()) == ""
