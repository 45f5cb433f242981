"""Spoken accuracy: WER and intent accuracy of the recognisers on synthesised speech of held-out utterances.

Utterances come from tests/data/nlu_heldout.yml, or --data (a blind set), never in the NLU training data nor in the
domain LM. Each is
spoken by piper (joe, natural voice) and/or espeak-ng, varied in pitch, speed and faint white noise, then decoded
by PocketSphinx with the generic LM ("open") and with the domain LM ("command"), and by Vosk if --vosk DIR.
Transcripts are parsed by the real trained Rasa model (trained into --model-dir if its fingerprint is new);
the text-only rows (written text, and the normalised "perfect transcript") are the NLU ceiling. --stand-in
uses a bag-of-ngrams logistic regression on nlu/nlu.yml instead (no Rasa, no entities).

  .venv/bin/python bench/spoken_accuracy.py                 # piper + espeak, all held-out utterances
  .venv/bin/python bench/spoken_accuracy.py --modes command --misses 40   # product mode, list the misses
  .venv/bin/python bench/spoken_accuracy.py --voices piper --limit 60 --grid   # also try LM mixing weights
  .venv/bin/python bench/spoken_accuracy.py --voices piper-deep      # stress: joe pitched 2-3.5 semitones down
  .venv/bin/python bench/spoken_accuracy.py --voices piper --modes command --data tests/data/nlu_blind_dev2.yml
  .venv/bin/python bench/spoken_accuracy.py --modes command --engines whisper:tiny.en --compare-nlu /tmp/nlu-before
  .venv/bin/python bench/spoken_accuracy.py --modes command --engines whisper:tiny.en --early   # the early endpoint's reading
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from assistant import telemetry  # noqa: E402,F401
from assistant.audio import read_wav  # noqa: E402
from assistant.dialogue.evaluate import Example, read_examples  # noqa: E402
from assistant.messages import Parse  # noqa: E402
from assistant.recognizers.language_model import (  # noqa: E402
    default_sources, domain_sentences, nlu_examples, normalize)
from speechgen import SpeechMaker, edit_distance  # noqa: E402
from benchlib import scratch_dir  # noqa: E402

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

    def __call__(self, text: str) -> Parse:
        """The predicted intent ("out_of_scope" for empty text), no entities."""
        return Parse(text, self.model.predict([text])[0] if text.strip() else "out_of_scope", 1.0)


def rasa_parser(model_dir: Path, nlu_dir: Optional[Path] = None) -> Callable[[str], Parse]:
    """The real trained Rasa model's parse(), trained into `model_dir` first if needed (on the NLU data in
    `nlu_dir` instead of nlu/ if given)."""
    from assistant import paths
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue import training
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.settings import Settings
    from assistant.store import StateStore

    t0 = time.perf_counter()
    own = paths.NLU_DIR
    paths.NLU_DIR = nlu_dir or own
    try:
        result = training.train(model_dir, quiet=True)
    finally:
        paths.NLU_DIR = own
    t1 = time.perf_counter()
    ctx = ActionContext(Settings(), state=StateStore(scratch_dir("bench-home-") / "state.json"))
    engine = RasaDialogueEngine.load(result.path, ctx)
    print(f"rasa model {result.path.name}: {'trained' if result.trained else 'found'} in {t1 - t0:.1f} s, "
          f"loaded in {time.perf_counter() - t1:.1f} s")
    return engine.parse


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


def entity_set(parse: Parse) -> frozenset:
    """(entity, value) pairs of a parse."""
    return frozenset((e.entity, e.value) for e in parse.entities)


def score(refs: List[Example], hyps: List[str], parses: List[Parse], entities: bool) -> Dict[str, float]:
    """WER, intent accuracy, entity-set accuracy (as assistant/dialogue/evaluate.py) and exact transcripts."""
    errors = sum(edit_distance(canonical(r.text), canonical(h)) for r, h in zip(refs, hyps))
    words = sum(len(canonical(r.text)) for r in refs)
    correct = sum(p.intent == r.intent for r, p in zip(refs, parses))
    exact = sum(canonical(r.text) == canonical(h) for r, h in zip(refs, hyps))
    row = {"wer": errors / max(1, words), "intent_acc": correct / max(1, len(refs)),
           "sentence_acc": exact / max(1, len(refs)), "entity_acc": None, "entity_n": 0}
    if entities:
        judged = [entity_set(p) == r.entities for r, p in zip(refs, parses) if r.entities or entity_set(p)]
        row.update(entity_acc=sum(judged) / len(judged) if judged else 1.0, entity_n=len(judged))
    return row


def parse_all(parse: Callable[[str], Parse], texts: List[str]) -> Tuple[List[Parse], float]:
    """Parses of `texts` and mean milliseconds per parse."""
    start = time.perf_counter()
    parses = [parse(t) for t in texts]
    return parses, 1000 * (time.perf_counter() - start) / max(1, len(texts))


def miss_cause(ref: Example, hyp: str, ceiling: Parse) -> str:
    """Why an intent was missed: "NLU" if the perfect transcript is missed too, "NLU-variant" if the
    transcript is right up to spelling, else "ASR" (recognition errors turned a right answer wrong)."""
    if ceiling.intent != ref.intent:
        return "NLU"
    return "NLU-variant" if canonical(ref.text) == canonical(hyp) else "ASR"


def explain_misses(refs: List[Example], hyps: List[str], parses: List[Parse], ceiling: List[Parse],
                   limit: int) -> Dict[str, int]:
    """Count intent misses by cause and list the first `limit`."""
    causes: Dict[str, int] = {}
    shown = 0
    for ref, hyp, got, best in zip(refs, hyps, parses, ceiling):
        if got.intent == ref.intent:
            continue
        cause = miss_cause(ref, hyp, best)
        causes[cause] = causes.get(cause, 0) + 1
        if shown < limit:
            shown += 1
            print(f"           {cause:3} {ref.intent}->{got.intent} ({got.confidence:.2f}): "
                  f"{normalize(ref.text)!r} heard {hyp!r}")
    print(f"           misses by cause: {causes}")
    return causes


def build_time(cache: Path) -> Tuple[float, float]:
    """Seconds to build the domain LM from scratch and to load it from cache."""
    import pocketsphinx

    from assistant.recognizers.language_model import build_domain_model

    sentences = domain_sentences("hey companion", *default_sources())
    model_dir = Path(pocketsphinx.get_model_path()) / "en-us"
    cold = build_domain_model(sentences, model_dir, cache_dir=cache).build_seconds
    warm = build_domain_model(sentences, model_dir, cache_dir=cache).build_seconds
    return cold, warm


def grammar_recognizer(cache: Path) -> object:
    """PocketSphinx whose command mode decodes against a word network of the domain sentences."""
    from assistant.recognizers.grammar import sentences_fsg
    from assistant.recognizers.language_model import read_dictionary
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    plain = PocketSphinxRecognizer(cache_dir=cache)
    known = set(read_dictionary(plain._build_domain().dict_path))
    sentences = [s for s in domain_sentences("hey companion", *default_sources()) if set(s.split()) <= known]
    return PocketSphinxRecognizer(cache_dir=cache, grammar=sentences_fsg(sentences))


def beamed(recognizer: object, beam: int) -> object:
    """The same Whisper recogniser (one model) decoding command turns with another beam size."""
    import copy

    other = copy.copy(recognizer)
    other.command_beam = beam  # type: ignore[attr-defined]
    return other


class EarlyJudged:
    """A Whisper recogniser whose command streams are judged as the early endpoint judges them: once the pause's
    quick reading is ready, a whole command is finished as that reading heard it (the live path, minus timing)."""

    def __init__(self, recognizer: object, parse: Callable[[str], Parse]) -> None:
        self.recognizer = recognizer
        self.parse = parse

    def stream(self, mode: str) -> "EarlyStream":
        """One utterance, judged at finish()."""
        return EarlyStream(self.recognizer.stream(mode), self.parse, mode)  # type: ignore[attr-defined]


class EarlyStream:
    """A stream whose finish() first asks for the partial reading and tells the stream what the early check made
    of it."""

    def __init__(self, inner: object, parse: Callable[[str], Parse], mode: str) -> None:
        self.inner, self.parse, self.mode = inner, parse, mode

    def accept(self, audio: bytes) -> None:
        """Pass audio on."""
        self.inner.accept(audio)  # type: ignore[attr-defined]

    def finish(self) -> object:
        """The early check on the partial reading, then the stream's own finish."""
        from assistant.dialogue.addressee import completes_turn
        from assistant.settings import ListenSettings

        text, waited = "", 0.0
        while not text and waited < 5.0:
            text = self.inner.partial()  # type: ignore[attr-defined]
            if not text:
                time.sleep(0.01)
                waited += 0.01
        if text:
            verdict = completes_turn(self.parse(text), self.mode, ListenSettings().early_endpoint_confidence)  # type: ignore[arg-type]
            self.inner.judged(verdict)  # type: ignore[attr-defined]
        return self.inner.finish()  # type: ignore[attr-defined]


def main(argv: Optional[List[str]] = None) -> int:
    """Run the benchmark and print a table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="piper,espeak", help="comma list of piper, espeak, piper-deep")
    parser.add_argument("--modes", default="command,open", help="PocketSphinx modes to decode with")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N held-out utterances")
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "nlu_heldout.yml",
                        help="the utterances to speak (a Rasa NLU file never trained on; default the held-out set)")
    parser.add_argument("--every", type=int, default=1, help="use every Nth utterance (a spread-out sample)")
    parser.add_argument("--stand-in", action="store_true", help="classify with the sklearn stand-in, not Rasa")
    parser.add_argument("--model-dir", default=str(Path(tempfile.gettempdir()) / "companion-bench-rasa"),
                        help="where the Rasa model is trained (reused while its fingerprint matches)")
    parser.add_argument("--misses", type=int, default=8, help="list this many misses per command-mode row")
    parser.add_argument("--vosk", metavar="DIR", help="also measure Vosk with this (English) model")
    parser.add_argument("--engines", default="pocketsphinx",
                        help="comma list of pocketsphinx, whisper:tiny.en, whisper:base (same clips, one run)")
    parser.add_argument("--early", action="store_true",
                        help="also decode Whisper's command turns as the early endpoint does: a quick reading that "
                             "already makes a whole command is taken as heard")
    parser.add_argument("--command-beams", default="", metavar="N,N",
                        help="also decode Whisper's command turns with these beam sizes (1: greedy, no rescoring)")
    parser.add_argument("--grid", action="store_true", help="also try other domain/generic mixing settings")
    parser.add_argument("--topn", type=int, action="append", default=[],
                        help="also decode command mode scoring this many Gaussians per codebook (default 4)")
    parser.add_argument("--grammar", action="store_true",
                        help="also decode command mode against an FSG of the domain sentences (no LM)")
    parser.add_argument("--compare-nlu", type=Path, metavar="DIR",
                        help="also parse the same transcripts with a model trained on the NLU data in DIR (e.g. a copy "
                             "of nlu/ before a change): NLU before and after on one run's hearing")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "companion-bench-speech"))
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    args = parser.parse_args(argv)

    train = labelled(ROOT / "nlu" / "nlu.yml")
    seen_norm = {normalize(t) for t in nlu_examples(ROOT / "nlu" / "nlu.yml")}
    heldout = [e for e in read_examples(args.data) if normalize(e.text) not in seen_norm][::args.every]
    if args.limit:
        heldout = heldout[: args.limit]
    spoken = [normalize(e.text) for e in heldout]
    if args.stand_in:
        parse: Callable[[str], Parse] = IntentClassifier(train)
        classifier = "stand-in (sklearn n-grams)"
    else:
        parse = rasa_parser(Path(args.model_dir))
        classifier = "rasa"
    entities = not args.stand_in
    compare: Optional[Callable[[str], Parse]] = None
    if args.compare_nlu and not args.stand_in:
        if not (args.compare_nlu / "nlu.yml").is_file():
            raise SystemExit(f"spoken_accuracy: no nlu.yml in {args.compare_nlu}")
        compare = rasa_parser(Path(args.model_dir + "-compare"), args.compare_nlu)
    print(f"{len(heldout)} utterances of {args.data.name}, {len(train)} training examples, classifier: {classifier}")
    written, _ = parse_all(parse, [e.text for e in heldout])
    ceiling, ceiling_ms = parse_all(parse, spoken)
    results = {"utterances": len(heldout), "classifier": classifier, "rows": []}
    for label, parses in (("text as written", written), ("perfect transcript", ceiling)):
        row = score(heldout, [e.text for e in heldout], parses, entities)
        results["text_" + label.split()[0]] = row
        ent = f", entity accuracy {row['entity_acc']:.3f} (n={row['entity_n']})" if entities else ""
        print(f"text-only ceiling, {label}: intent accuracy {row['intent_acc']:.3f}{ent}")
    if compare is not None:
        row = score(heldout, spoken, parse_all(compare, spoken)[0], entities)
        print(f"text-only ceiling, perfect transcript, NLU of {args.compare_nlu}: intent accuracy "
              f"{row['intent_acc']:.3f}, entity accuracy {row['entity_acc']:.3f}")
    print(f"NLU parse {ceiling_ms:.1f} ms per utterance")
    results["text_intent_acc"] = results["text_perfect"]["intent_acc"]

    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    lm_cache = scratch_dir("bench-lm-")
    cold, warm = build_time(lm_cache)
    results.update(lm_build_s=cold, lm_cached_s=warm)
    print(f"domain LM build {cold:.2f} s cold, {warm * 1000:.0f} ms cached")
    maker = SpeechMaker(Path(args.cache))
    engines: List[Tuple[str, object, str]] = []
    modes = args.modes.split(",")
    from benchlib import bench_recognizer

    for name in args.engines.split(","):
        rec = bench_recognizer(name, lm_cache)
        if name == "pocketsphinx":
            engines += [(f"pocketsphinx {'domain LM' if m == 'command' else 'generic LM'} ({m})", rec, m)
                        for m in ("command", "open") if m in modes]
        else:
            engines += [(f"{name} ({m})", rec, m) for m in ("command", "open") if m in modes]
            engines += [(f"{name} (command, beam {beam})", beamed(rec, int(beam)), "command")
                        for beam in filter(None, args.command_beams.split(",")) if "command" in modes]
            if args.early and "command" in modes and hasattr(rec, "quick_first"):
                engines.append((f"{name} (command, early on the quick reading)", EarlyJudged(rec, parse), "command"))
    if args.grid:
        for weight, top, lw in ((1.0, 0, 0), (0.8, 3000, 0), (0.9, 10000, 0), (0.9, 3000, 9.0)):
            options = {"lw": lw} if lw else {}
            rec = PocketSphinxRecognizer(generic_top=top, domain_weight=weight, cache_dir=lm_cache,
                                         decoder_options=options)
            engines.append((f"ps domain w={weight} top={top}" + (f" lw={lw}" if lw else ""), rec, "command"))
    for topn in args.topn:
        rec = PocketSphinxRecognizer(cache_dir=lm_cache, decoder_options={"topn": topn})
        engines.append((f"ps domain LM, {topn} Gaussians", rec, "command"))
    if args.grammar:
        engines.append(("ps grammar (FSG of NLU sentences)", grammar_recognizer(lm_cache), "command"))
    if args.vosk:
        from assistant.recognizers.vosk import VoskRecognizer

        vosk_rec = VoskRecognizer(Path(args.vosk))
        engines += [("vosk open", vosk_rec, "open"), ("vosk grammar (command)", vosk_rec, "command")]

    print(f"{'voice':8} {'engine / mode':34} {'WER':>6} {'intent':>7} {'entity':>7} {'exact':>6} "
          f"{'asr ms':>7} {'nlu ms':>7} {'finish ms':>9}")
    for voice in args.voices.split(","):
        t0 = time.perf_counter()
        audios = [read_wav(make_audio(maker, voice, text, i))[0] for i, text in enumerate(spoken)]
        secs = sum(len(a) for a in audios) / 32000
        print(f"[{voice}: {len(audios)} clips, {secs:.0f} s of audio, made/loaded in {time.perf_counter() - t0:.1f} s]")
        for label, rec, mode in engines:
            hyps, totals, finals = decode_all(rec, mode, audios)
            parses, nlu_ms = parse_all(parse, hyps)
            row = score(heldout, hyps, parses, entities)
            row.update(voice=voice, engine=label, ms_per_utt=1000 * statistics.mean(totals), nlu_ms=nlu_ms,
                       finish_ms=1000 * statistics.mean(finals), rtf=sum(totals) / secs)
            results["rows"].append(row)
            ent = f"{row['entity_acc']:7.3f}" if entities else f"{'-':>7}"
            print(f"{voice:8} {label:34} {row['wer']:6.3f} {row['intent_acc']:7.3f} {ent} {row['sentence_acc']:6.3f} "
                  f"{row['ms_per_utt']:7.0f} {nlu_ms:7.1f} {row['finish_ms']:9.1f}")
            if mode == "command" and args.misses:
                row["miss_causes"] = explain_misses(heldout, hyps, parses, ceiling, args.misses)
            if compare is not None:
                other = score(heldout, hyps, parse_all(compare, hyps)[0], entities)
                row["compare_nlu"] = other
                print(f"{voice:8} {'  the same, NLU of ' + args.compare_nlu.name:34} {other['wer']:6.3f} "
                      f"{other['intent_acc']:7.3f} {other['entity_acc']:7.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
