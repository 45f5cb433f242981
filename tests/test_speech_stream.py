"""Piper window by window: the voice model cut in two, real synthesis, pieces into the pipeline and the sinks."""

from __future__ import annotations

import json
import wave
from datetime import datetime

import numpy as np
import pytest

from assistant.settings import ListenSettings, VoiceSettings
from assistant.speech import load_synthesizer, speak_pieces
from assistant.speech import piper_stream
from assistant.speech.onnx_cut import CutError, cut_file
from assistant.speech.piper import bundled_voice, session_options

LONG = ("I can give you a conversation starter on a topic, a bolder one if you both say yes, or keep it gentle, "
        "and play your saved favourites.")


@pytest.fixture(scope="module")
def piper():
    synth = load_synthesizer(VoiceSettings(), lambda: datetime(2024, 5, 4, 14, 30))
    assert synth.name == "piper" and synth._halves is not None  # the bundled voice is cut and streams
    return synth


def phoneme_feeds(synth, text: str) -> dict:
    """The voice's inputs for `text` with the noise off, so two runs of the model give the same audio."""
    ids = synth._piper.phonemes_to_ids(synth._piper.phonemize(text)[0])
    config = synth._piper.config
    return {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([0.0, config.length_scale, 0.0], dtype=np.float32)}


def test_the_halves_window_by_window_give_the_whole_models_audio(piper) -> None:
    import onnxruntime

    whole = onnxruntime.InferenceSession(str(bundled_voice()[0]), sess_options=session_options(),
                                         providers=["CPUExecutionProvider"])
    feeds = phoneme_feeds(piper, LONG)
    expected = whole.run(None, feeds)[0].reshape(-1)
    windows = list(piper._halves.audio(piper._halves.frames(feeds)))
    assert len(windows) >= 4 and len(windows[0]) == piper_stream.FIRST_FRAMES * 256
    audio = np.concatenate(windows)
    assert audio.shape == expected.shape
    assert float(np.abs(audio - expected).max()) < 1e-4


def test_a_long_sentence_comes_in_pieces_the_first_short(piper) -> None:
    piper.forget()
    pieces = list(piper.stream(LONG))
    assert len(pieces) >= 4
    assert pieces[0].text == LONG and all(p.text == "" for p in pieces[1:])  # the rest continue the sentence
    total = sum(p.seconds for p in pieces)
    assert 5.0 < total < 11.0 and pieces[0].seconds < 0.5
    samples = np.frombuffer(b"".join(p.audio for p in pieces), dtype="<i2")
    assert 0.3 < np.abs(samples).max() / 32767 <= 0.9 + 1e-3  # the day volume, nothing clipped


def test_a_sentence_said_again_comes_whole_from_the_cache(piper) -> None:
    piper.forget()
    first = list(piper.stream(LONG))
    again = list(piper.stream(LONG))
    assert len(again) == 1 and again[0].text == LONG
    assert again[0].audio == b"".join(p.audio for p in first)
    assert piper.synthesize(LONG).audio == again[0].audio


def test_the_pipeline_plays_pieces_and_writes_one_wav_per_sentence(piper, tmp_path) -> None:
    from assistant.pipeline import VoicePipeline
    from assistant.playback import WavDirSink

    piper.forget()
    sink = WavDirSink(tmp_path)
    played = []
    inner_play = sink.play

    def play(speech) -> None:
        played.append(speech)
        inner_play(speech)

    sink.play = play  # type: ignore[method-assign]
    pipeline = VoicePipeline(None, None, piper, ListenSettings())  # type: ignore[arg-type]
    first_audio, paths = pipeline.speak([LONG, "Take your time."], sink)
    assert first_audio is not None and len(played) >= 5  # several pieces went to the sink, one at a time
    assert [p.name for p in paths] == ["reply-1-1.wav", "reply-1-2.wav"]
    second = next(i for i, p in enumerate(played) if p.text == "Take your time.")
    for path, pieces in zip(paths, (played[:second], played[second:])):
        with wave.open(str(path), "rb") as wav:
            assert wav.readframes(wav.getnframes()) == b"".join(p.audio for p in pieces)


def test_an_engine_that_does_not_stream_speaks_each_sentence_whole() -> None:
    synth = load_synthesizer(VoiceSettings(engine="pyttsx3"))
    pieces = list(speak_pieces(synth, "Take your time."))
    assert len(pieces) == 1 and pieces[0].text == "Take your time." and pieces[0].seconds > 0.5


def test_the_cut_is_made_once_and_kept(piper, tmp_path) -> None:
    model = bundled_voice()[0]
    front, back = piper_stream.halves(model, tmp_path)
    made = (front.stat().st_mtime_ns, back.stat().st_mtime_ns)
    assert piper_stream.halves(model, tmp_path) == (front, back)
    assert (front.stat().st_mtime_ns, back.stat().st_mtime_ns) == made
    assert front.stat().st_size + back.stat().st_size == pytest.approx(model.stat().st_size, rel=0.01)


def test_a_model_without_the_cut_tensor_is_refused(tmp_path) -> None:
    with pytest.raises(CutError, match="no tensor /nowhere"):
        cut_file(bundled_voice()[0], ["/nowhere"], tmp_path / "front.onnx", tmp_path / "back.onnx")
    assert not list(tmp_path.iterdir())


def test_a_voice_that_cannot_be_cut_is_spoken_whole(tmp_path, monkeypatch) -> None:
    model, config = bundled_voice()
    monkeypatch.setattr(piper_stream, "CUT", ("/nowhere",))
    monkeypatch.setattr(piper_stream, "cache_dirs", lambda model: (tmp_path,))
    synth = load_synthesizer(VoiceSettings(), lambda: datetime(2024, 5, 4, 14, 30))
    assert synth.name == "piper" and synth._halves is None
    pieces = list(synth.stream("Take your time, both of you."))
    assert len(pieces) == 1 and pieces[0].seconds > 1.0
    assert json.loads(config.read_text())["audio"]["sample_rate"] == pieces[0].format.rate


def test_the_voice_halves_share_one_memory_arena_and_shrink_it_after_each_run(piper):
    from assistant.speech.piper import shared_arena

    assert shared_arena() is True  # registered once; asking again changes nothing
    assert session_options().get_session_config_entry("session.use_env_allocators") == "1"
    runs = piper._halves.run_options  # and hand its unused blocks back after each run
    assert runs.get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    assert piper.synthesize("Saved.").audio  # both halves run on the shared arena
