"""Spoken accuracy: WER and intent accuracy of the recognisers on synthesised speech of held-out utterances.

Utterances come from tests/data/nlu_heldout.yml (never in the NLU training data nor in the domain LM). Each is
spoken by piper (joe, natural voice) and/or espeak-ng, varied in pitch, speed and faint white noise, then decoded
by PocketSphinx with the generic LM ("open") and with the domain LM ("command"), and by Vosk if --vosk DIR.
Intents are classified by a bag-of-ngrams logistic regression trained on nlu/nlu.yml (a stand-in for the Rasa
CountVectors+LogisticRegression pipeline), so accuracy is comparable with the text-only ceiling it prints.

  .venv/bin/python bench/spoken_accuracy.py                 # piper + espeak, all held-out utterances
  .venv/bin/python bench/spoken_accuracy.py --voices piper --limit 60 --grid   # also try LM mixing weights
  .venv/bin/python bench/spoken_accuracy.py --voices piper-deep      # stress: joe pitched 2-3.5 semitones down
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from assistant import telemetry  # noqa: E402,F401
from assistant.audio import read_wav  # noqa: E402
from assistant.recognizers.language_model import (  # noqa: E402
    default_sources, domain_sentences, nlu_examples, normalize)
from speechgen import SpeechMaker  # noqa: E402

# (length_scale, noise_scale, pitch cents, tempo, white-noise volume): speed/pitch/voice-quality variety.
# sox "pitch" moves formants with F0, so shifting the (low, male) joe voice up imitates higher voices and
# shorter vocal tracts, while shifting it down quickly leaves the human range: "piper-deep" is a stress test.
PIPER_CONDITIONS = [
    (1.0, None, 0, 1.0, 0.005),
    (0.85, 0.8, 200, 1.0, 0.01),
    (1.2, None, -100, 1.0, 0.01),
    (1.0, 0.9, 350, 1.1, 0.01),
    (1.1, None, 500, 0.9, 0.008),
]
DEEP_CONDITIONS = [(1.0, None, -200, 1.0, 0.01), (1.1, None, -350, 0.9, 0.008)]
# (espeak voice, words per minute, pitch 0-99, white-noise volume)
ESPEAK_CONDITIONS = [("en-us", 150, 50, 0.005), ("en-us+f3", 170, 60, 0.01), ("en-us+m3", 135, 40, 0.01)]
SPOKEN_FORMS = {"mr": "mister", "mrs": "missus", "ok": "okay", "alright": "all right"}


def canonical(text: str) -> List[str]:
    """Words for WER: normalised, with a few spelling variants merged."""
    words = []
    for word in normalize(text).split():
        words.extend(SPOKEN_FORMS.get(word, word).split())
    return words


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def labelled(path: Path) -> List[Tuple[str, str]]:
    """(normalised text, intent) pairs from a Rasa NLU file."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for item in data.get("nlu") or []:
        if isinstance(item, dict) and item.get("intent") and isinstance(item.get("examples"), str):
            for line in item["examples"].splitlines():
                text = normalize(line.strip()[2:] if line.strip().startswith("- ") else line)
                if text:
                    pairs.append((text, item["intent"]))
    return pairs


class IntentClassifier:
    """Word + character n-gram logistic regression trained on the NLU training file."""

    def __init__(self, train: List[Tuple[str, str]]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(CountVectorizer(ngram_range=(1, 2)),
                              CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)))
        self.model = make_pipeline(features, LogisticRegression(max_iter=2000, C=5.0))
        self.model.fit([t for t, _ in train], [i for _, i in train])

    def __call__(self, text: str) -> str:
        """The predicted intent ("out_of_scope" for empty text)."""
        return self.model.predict([text])[0] if text.strip() else "out_of_scope"


def make_audio(maker: SpeechMaker, voice: str, text: str, index: int) -> Path:
    """One varied rendition of `text`, 16 kHz mono."""
    if voice.startswith("piper"):
        conditions = DEEP_CONDITIONS if voice == "piper-deep" else PIPER_CONDITIONS
        ls, ns, cents, tempo, noise = conditions[index % len(conditions)]
        return maker.vary(maker.piper(text, ls, ns), cents, tempo, noise, pad_s=(0.3, 0.4), rate=16000)
    name, wpm, pitch, noise = ESPEAK_CONDITIONS[index % len(ESPEAK_CONDITIONS)]
    return maker.vary(maker.espeak(text, name, wpm, pitch), 0, 1.0, noise, pad_s=(0.3, 0.4), rate=16000)


def decode_all(recognizer: object, mode: str, audios: List[bytes]) -> Tuple[List[str], List[float], List[float]]:
    """Transcripts, total decode seconds and finish() seconds per utterance (streamed in 30 ms chunks)."""
    texts, totals, finals = [], [], []
    for audio in audios:
        start = time.perf_counter()
        stream = recognizer.stream(mode)  # type: ignore[attr-defined]
        for offset in range(0, len(audio), 960):
            stream.accept(audio[offset:offset + 960])
        before_finish = time.perf_counter()
        texts.append(stream.finish().text)
        end = time.perf_counter()
        totals.append(end - start)
        finals.append(end - before_finish)
    return texts, totals, finals


def score(refs: List[Tuple[str, str]], hyps: List[str], classify: IntentClassifier) -> Dict[str, float]:
    """WER and intent accuracy of hypotheses against (text, intent) references."""
    errors = sum(edit_distance(canonical(r), canonical(h)) for (r, _), h in zip(refs, hyps))
    words = sum(len(canonical(r)) for r, _ in refs)
    correct = sum(classify(h) == intent for (_, intent), h in zip(refs, hyps))
    exact = sum(canonical(r) == canonical(h) for (r, _), h in zip(refs, hyps))
    return {"wer": errors / max(1, words), "intent_acc": correct / max(1, len(refs)),
            "sentence_acc": exact / max(1, len(refs))}


def build_time(cache: Path) -> Tuple[float, float]:
    """Seconds to build the domain LM from scratch and to load it from cache."""
    import pocketsphinx

    from assistant.recognizers.language_model import build_domain_model

    sentences = domain_sentences("hey companion", *default_sources())
    model_dir = Path(pocketsphinx.get_model_path()) / "en-us"
    cold = build_domain_model(sentences, model_dir, cache_dir=cache).build_seconds
    warm = build_domain_model(sentences, model_dir, cache_dir=cache).build_seconds
    return cold, warm


def main(argv: Optional[List[str]] = None) -> int:
    """Run the benchmark and print a table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="piper,espeak")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N held-out utterances")
    parser.add_argument("--vosk", metavar="DIR", help="also measure Vosk with this (English) model")
    parser.add_argument("--grid", action="store_true", help="also try other domain/generic mixing settings")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "companion-bench-speech"))
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    args = parser.parse_args(argv)

    train = labelled(ROOT / "nlu" / "nlu.yml")
    seen = {t for t in nlu_examples(ROOT / "nlu" / "nlu.yml")}
    seen_norm = {normalize(t) for t in seen}
    heldout = [p for p in labelled(ROOT / "tests" / "data" / "nlu_heldout.yml") if p[0] not in seen_norm]
    if args.limit:
        heldout = heldout[: args.limit]
    classify = IntentClassifier(train)
    text_acc = sum(classify(t) == i for t, i in heldout) / len(heldout)
    print(f"{len(heldout)} held-out utterances, {len(train)} training examples; "
          f"text-only intent accuracy (ceiling) {text_acc:.3f}")

    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    lm_cache = Path(tempfile.mkdtemp(prefix="bench-lm-"))
    cold, warm = build_time(lm_cache)
    print(f"domain LM build {cold:.2f} s cold, {warm * 1000:.0f} ms cached")
    maker = SpeechMaker(Path(args.cache))
    engines: List[Tuple[str, object, str]] = []
    default_ps = PocketSphinxRecognizer(cache_dir=lm_cache)
    engines += [("pocketsphinx generic LM (open)", default_ps, "open"),
                ("pocketsphinx domain LM (command)", default_ps, "command")]
    if args.grid:
        for weight, top, lw in ((1.0, 0, 0), (0.8, 3000, 0), (0.9, 10000, 0), (0.9, 3000, 9.0)):
            options = {"lw": lw} if lw else {}
            rec = PocketSphinxRecognizer(generic_top=top, domain_weight=weight, cache_dir=lm_cache,
                                         decoder_options=options)
            engines.append((f"ps domain w={weight} top={top}" + (f" lw={lw}" if lw else ""), rec, "command"))
    if args.vosk:
        from assistant.recognizers.vosk import VoskRecognizer

        vosk_rec = VoskRecognizer(Path(args.vosk))
        engines += [("vosk open", vosk_rec, "open"), ("vosk grammar (command)", vosk_rec, "command")]

    results = {"utterances": len(heldout), "text_intent_acc": text_acc, "lm_build_s": cold, "lm_cached_s": warm,
               "rows": []}
    print(f"{'voice':8} {'engine / mode':38} {'WER':>6} {'intent':>7} {'exact':>6} {'ms/utt':>7} {'finish ms':>9}")
    for voice in args.voices.split(","):
        t0 = time.perf_counter()
        audios = [read_wav(make_audio(maker, voice, text, i))[0] for i, (text, _) in enumerate(heldout)]
        secs = sum(len(a) for a in audios) / 32000
        print(f"[{voice}: {len(audios)} clips, {secs:.0f} s of audio, made/loaded in {time.perf_counter() - t0:.1f} s]")
        for label, rec, mode in engines:
            hyps, totals, finals = decode_all(rec, mode, audios)
            row = score(heldout, hyps, classify)
            row.update(voice=voice, engine=label, ms_per_utt=1000 * statistics.mean(totals),
                       finish_ms=1000 * statistics.mean(finals), rtf=sum(totals) / secs)
            results["rows"].append(row)
            print(f"{voice:8} {label:38} {row['wer']:6.3f} {row['intent_acc']:7.3f} {row['sentence_acc']:6.3f} "
                  f"{row['ms_per_utt']:7.0f} {row['finish_ms']:9.1f}")
            if voice == args.voices.split(",")[0] and label.endswith("(command)"):
                misses = [(r, h) for (r, i), h in zip(heldout, hyps) if classify(h) != i][:8]
                for ref, hyp in misses:
                    print(f"           miss: {ref!r} -> {hyp!r}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
