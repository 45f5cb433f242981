"""Hostile audio inputs: devices, FIFOs, huge and long files, endless noise, digital silence, a torn model file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import cli
from assistant.audio import read_wav, write_wav
from assistant.errors import AudioInputError
from assistant.messages import PCM16K
from tests.conftest import PROJECT


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: "), err
    return lines[0]


def test_transcribe_dev_zero_is_refused_at_once(capsys):
    start = time.monotonic()
    assert cli.main(["transcribe", "/dev/zero"]) == 1
    assert "pipe or device" in one_line(capsys) and time.monotonic() - start < 30


def test_a_fifo_without_a_writer_does_not_hang(tmp_path: Path):
    fifo = tmp_path / "turn.wav"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "transcribe", str(fifo)], capture_output=True,
                          text=True, cwd=PROJECT, timeout=60)
    assert done.returncode == 1 and "pipe or device" in done.stderr and "Traceback" not in done.stderr


def test_a_file_longer_than_the_limit_is_refused_before_it_is_read(tmp_path: Path):
    import soundfile

    path = tmp_path / "long.wav"
    with soundfile.SoundFile(str(path), "w", 8000, 1, "PCM_16") as out:
        out.write(np.zeros(8000 * 65, np.int16))
    with pytest.raises(AudioInputError, match="minutes long; the limit is 1 minutes") as info:
        read_wav(path, max_seconds=60)
    assert str(path) in str(info.value)


def test_a_lying_streaming_header_is_still_bounded(tmp_path: Path):
    path = tmp_path / "streamed.wav"
    write_wav(path, b"\1\0" * 16000 * 90, PCM16K)
    data = bytearray(path.read_bytes())
    data[40:44] = b"\xff\xff\xff\xff"  # data size unknown, as a pipe-writing recorder leaves it
    path.write_bytes(bytes(data))
    with pytest.raises(AudioInputError, match="limit"):
        read_wav(path, max_seconds=60)


def test_flac_and_ogg_read_like_wav(tmp_path: Path):
    import soundfile

    t = np.arange(16000) / 16000
    tone = (np.sin(2 * np.pi * 440 * t) * 0.5).astype(np.float32)
    for fmt in ("FLAC", "OGG"):
        path = tmp_path / f"tone.{fmt.lower()}"
        soundfile.write(str(path), tone, 16000, format=fmt)
        audio, got = read_wav(path)
        assert got == PCM16K and abs(len(audio) - 32000) < 800


def test_ten_minutes_of_digital_silence_hear_nothing_quickly(tmp_path: Path, capsys):
    path = tmp_path / "silence.wav"
    write_wav(path, b"\0\0" * 16000 * 600, PCM16K)
    start = time.monotonic()
    assert cli.main(["transcribe", "--mode", "open", str(path)]) == 0
    assert capsys.readouterr().out.strip() == ""
    assert time.monotonic() - start < 30


def test_noise_is_transcribed_within_the_time_limit():
    from assistant.commands.speech import transcribe_bounded
    from assistant.recognizers import load_recognizer
    from assistant.settings import ListenSettings

    noise = (np.random.default_rng(1).standard_normal(16000 * 120) * 6000).astype("<i2").tobytes()
    recognizer = load_recognizer(ListenSettings(recognizer="pocketsphinx"))
    start = time.monotonic()
    result = transcribe_bounded(recognizer, noise, "open", limit_s=2.0)
    assert time.monotonic() - start < 8
    assert not result.complete and result.heard_s < result.total_s == 120


def test_silence_between_words_is_cut_but_words_are_kept():
    from assistant.commands.speech import sound_segments

    audio = b"\0\0" * 16000 + b"\x00\x10" * 8000 + b"\0\0" * 16000 * 3 + b"\x00\x10" * 4000
    segments = sound_segments(audio)
    assert len(segments) == 2
    assert segments[0][0] <= 32000 <= segments[0][1] and segments[1][1] == len(audio)
    assert sound_segments(b"\0\0" * 16000 * 60) == []


def test_a_torn_or_empty_model_is_never_up_to_date(tmp_path: Path, model_path: Path, monkeypatch):
    from assistant.dialogue import training

    assert training.verified(model_path)
    target = training.model_path(tmp_path)
    for broken in (b"", model_path.read_bytes()[: model_path.stat().st_size // 2]):
        target.write_bytes(broken)
        assert not training.verified(target)
        calls = []
        monkeypatch.setattr(training, "_train_into", lambda work, t, quiet, calls=calls: calls.append(t) or training.TrainResult(t, True))
        assert training.train(tmp_path, quiet=True).trained and calls == [target]
        assert target.with_name(target.name + ".corrupt").read_bytes() == broken
