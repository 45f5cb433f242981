"""Endpointing: how long we wait after speech vs how often a pause cuts someone off (false cuts).

Two sets, run through the real endpointer, PocketSphinx and our Rasa NLU (early endpoint) at stream pace:
- real human speech: every recording in Debian's pocketsphinx-testdata (read sentences, card names, digits);
- spoken turns with a pause inside, espeak-ng: commands paused at a phrase boundary ("give us a conversation
  starter ... about desire") and check-in answers paused to think ("a four ... because we talked a lot"),
  pauses of 250-900 ms.
A false cut is an utterance ended before its last word; "wait" is the time from the acoustic end of the last word
to the end of the utterance. `latency_ms` counts from the last frame webrtcvad calls voiced, which trails the
acoustic end by "VAD end lag". Each row is one setting of listen.* in config.yml.

    .venv/bin/python bench/endpointing.py [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent),
                str(Path(__file__).resolve().parent.parent / "tests")]
from benchlib import fmt, markdown_table, percentile, scratch_dir  # noqa: E402

TESTDATA = "/usr/share/pocketsphinx/test/data"
CHUNK = 960  # 30 ms
# (first part, second part, kind): what is said before and after the pause
PAUSED: Tuple[Tuple[str, str, str], ...] = (
    ("give us a conversation starter", "about desire", "command"),
    ("give us a conversation starter", "about who initiates", "command"),
    ("let's do our", "bedtime check in", "command"),
    ("hey companion", "what can you do", "command"),
    ("next", "one please", "command"),
    ("save", "that one", "command"),
    ("a four", "because we talked a lot tonight", "open"),
    ("i felt close to you", "when we cooked dinner together", "open"),
    ("your laugh", "and the way you held my hand", "open"),
    ("um", "i think a three", "open"),
    ("yes", "i really did feel heard today", "open"),
    ("more time", "just the two of us", "open"),
)
PAUSES_MS = (250, 400, 600, 900)
WHOLE: Tuple[Tuple[str, str], ...] = (  # said without a pause: the wait an uninterrupted turn gets
    ("give us a conversation starter about desire", "command"), ("next one", "command"),
    ("say that again", "command"), ("let's do our bedtime check in", "command"), ("stop", "command"),
    ("a four", "open"), ("a three", "open"), ("your laugh at dinner", "open"), ("pass", "open"),
    ("when you listened to me", "open"),
)


def _pcm(path: Path) -> bytes:
    from assistant.audio import read_wav

    return read_wav(path)[0]


def _noise(samples: int, seed: int) -> "Any":
    import numpy as np

    return np.random.default_rng(seed).normal(0, 60, samples).astype("<i2")


def join(parts: Sequence[bytes], pause_ms: int, seed: int = 0) -> Tuple[bytes, float]:
    """Lead-in, the parts with `pause_ms` between them, 1.8 s of tail, faint noise; and where speech ends (s)."""
    import numpy as np

    silence = [np.zeros(int(16 * pause_ms), "<i2")]
    pieces = [np.zeros(int(16000 * 0.4), "<i2")]
    for index, part in enumerate(parts):
        if index:
            pieces += silence
        pieces.append(np.frombuffer(part, "<i2"))
    speech_end = sum(len(p) for p in pieces) / 16000
    pieces.append(np.zeros(int(16000 * 1.8), "<i2"))
    audio = np.concatenate(pieces)
    audio = np.clip(audio.astype(np.int32) + _noise(len(audio), seed), -32768, 32767)
    return audio.astype("<i2").tobytes(), speech_end


def trimmed(audio: bytes) -> bytes:
    """espeak-ng output without its own leading/trailing silence."""
    import numpy as np

    samples = np.frombuffer(audio, "<i2")
    loud = np.nonzero(np.abs(samples) > 300)[0]
    return samples[loud[0]:loud[-1] + 1].tobytes() if len(loud) else audio


def hear_once(pipeline: Any, audio: bytes) -> Tuple[Optional[float], float]:
    """Feed at stream pace: (stream position where the first utterance ended, or None; its last voiced time)."""
    from assistant.messages import AudioChunk

    position = [0.0]

    def chunks() -> Any:
        for offset in range(0, len(audio), CHUNK):
            position[0] = (offset + CHUNK) / 32000
            yield AudioChunk(audio[offset:offset + CHUNK], timestamp=position[0])

    heard = pipeline.hear(chunks())
    if heard is None:
        return None, 0.0
    return position[0], heard.utterance.end_time


def sweep(pipeline: Any, clips: List[Tuple[bytes, float, str]], mode: str) -> Dict[str, Any]:
    """False cuts and waits over clips (audio, true speech end, label) in one listening mode."""
    cuts, waits, lags, missed = [], [], [], 0
    for audio, speech_end, label in clips:
        pipeline.mode = mode
        ended, last_voiced = hear_once(pipeline, audio)
        if ended is None:
            missed += 1
        elif ended < speech_end - 0.05:
            cuts.append(label)
        else:
            waits.append((ended - speech_end) * 1000)
            lags.append((last_voiced - speech_end) * 1000)
    return {"n": len(clips), "cuts": len(cuts), "cut_examples": cuts[:3], "missed": missed,
            "wait_p50": percentile(waits, 50), "wait_p95": percentile(waits, 95), "vad_lag_p50": percentile(lags, 50)}


def human_clips() -> List[Tuple[bytes, float, str]]:
    """pocketsphinx-testdata recordings (real people), with 1.8 s of silence after."""
    from assistant.audio import read_wav

    clips = []
    for path in sorted(glob.glob(f"{TESTDATA}/**/*.wav", recursive=True) + glob.glob(f"{TESTDATA}/**/*.raw", recursive=True)):
        pcm = Path(path).read_bytes() if path.endswith(".raw") else read_wav(path)[0]
        audio, end = join([trimmed(pcm)], 0, seed=len(clips))
        clips.append((audio, end, Path(path).name))
    return clips


def spoken_clips(maker: Any, kind: str) -> Tuple[List[Tuple[bytes, float, str]], List[Tuple[bytes, float, str]]]:
    """(paused clips, whole clips) of one kind, two espeak voices."""
    paused, whole = [], []
    for voice, wpm, pitch in (("en-us", 160, 50), ("en-us+f3", 175, 65)):
        def say(text: str, voice: str = voice, wpm: int = wpm, pitch: int = pitch) -> Any:
            return trimmed(_pcm(maker.vary(maker.espeak(text, voice, wpm, pitch), rate=16000)))
        for first, second, k in PAUSED:
            if k != kind:
                continue
            for pause in PAUSES_MS:
                audio, end = join([say(first), say(second)], pause, seed=pause)
                paused.append((audio, end, f"{first} … {second} ({pause} ms, {voice})"))
        for text, k in WHOLE:
            if k == kind:
                audio, end = join([say(text)], 0, seed=len(whole))
                whole.append((audio, end, text))
    return paused, whole


def run(model_dir: Optional[Path] = None) -> Dict[str, Any]:
    """All rows: human speech at several trailing silences, then paused/whole turns per setting."""
    from assistant import telemetry  # noqa: F401
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue import training
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.pipeline import VoicePipeline
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer
    from assistant.settings import ListenSettings, Settings
    from assistant.store import StateStore
    from speechgen import SpeechMaker

    model_dir = model_dir or training.default_model_dir()
    model = training.train(model_dir, quiet=True).path
    home = scratch_dir("bench-endpoint-")
    engine = RasaDialogueEngine.load(model, ActionContext(Settings(), state=StateStore(home / "state.json")))
    recognizer = PocketSphinxRecognizer(cache_dir=home / "lm")
    maker = SpeechMaker(Path(tempfile.gettempdir()) / "companion-bench-speech")
    base = ListenSettings()

    rows: List[Dict[str, Any]] = []
    human = human_clips()
    for silence in (200, 300, 400, 700, 1000):
        listen = dataclasses.replace(base, trailing_silence_ms=silence, early_endpoint_ms=0)
        result = sweep(VoicePipeline(recognizer, engine, None, listen), human, "command")
        rows.append({"set": f"human recordings (n={len(human)})", "setting": f"trailing silence {silence} ms", **result})
    for kind, settings in (
        ("command", [("trailing 400 ms, early endpoint off", dict(early_endpoint_ms=0)),
                     ("trailing 400 ms, early at 200 ms if confidence >= 0.8", dict(early_endpoint_confidence=0.8)),
                     ("trailing 400 ms, early at 200 ms if confidence >= 0.6 (default)", {}),
                     ("trailing 400 ms, early at 150 ms", dict(early_endpoint_ms=150)),
                     ("trailing 300 ms, early endpoint off", dict(trailing_silence_ms=300, early_endpoint_ms=0))]),
        ("open", [("open 1000 ms, early off", dict(early_endpoint_ms=0)),
                  ("open 1000 ms, early at 200 ms (default)", {}),
                  ("open 700 ms, early at 200 ms", dict(open_trailing_silence_ms=700)),
                  ("open 500 ms, early at 200 ms", dict(open_trailing_silence_ms=500))]),
    ):
        paused, whole = spoken_clips(maker, kind)
        for label, change in settings:
            pipeline = VoicePipeline(recognizer, engine, None, dataclasses.replace(base, **change))
            cut = sweep(pipeline, paused, kind)
            clean = sweep(pipeline, whole, kind)
            rows.append({"set": f"{kind} turns with a pause (n={len(paused)})", "setting": label, **cut,
                         "whole_wait_p50": clean["wait_p50"], "whole_wait_p95": clean["wait_p95"],
                         "whole_cuts": clean["cuts"], "whole_n": clean["n"], "vad_lag_p50": clean["vad_lag_p50"]})
    engine.close()
    return {"rows": rows}


def table(result: Dict[str, Any]) -> str:
    """Markdown table of the sweep."""
    out = []
    for r in result["rows"]:
        whole = (f"{fmt(r['whole_wait_p50'])} / {fmt(r['whole_wait_p95'])}" if "whole_wait_p50" in r
                 else f"{fmt(r['wait_p50'])} / {fmt(r['wait_p95'])}")
        out.append([r["set"], r["setting"], f"{r['cuts']}/{r['n']}", whole, fmt(r["vad_lag_p50"]),
                    "; ".join(r["cut_examples"]) or "–"])
    return markdown_table(["speech", "setting", "false cuts", "wait p50 / p95 ms (turns said without a pause)",
                           "VAD end lag ms", "cut, e.g."], out)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="dialogue model folder (default: the project's)")
    args = parser.parse_args(argv)
    print(table(run(args.model_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
