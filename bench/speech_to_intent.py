"""Real voices: Picovoice's speech-to-intent benchmark through the companion's own endpointing, recogniser and NLU.

DIR has the benchmark's layout: clips/*.flac, label.json, context.yaml, noise/kitchen.flac. From context.yaml
alone it builds an assistant with the companion's machinery: NLU examples expanded from the grammar (slot values
as entities) trained with our pipeline (nlu/config.yml) through Rasa in a temp dir, and the recogniser's command
model (a word network compiled from the grammar, or with --decoder lm a domain LM) from the same expansion. Each clip is then one spoken
turn (VoicePipeline.hear: webrtcvad endpointing, streaming recognition) and its transcript goes through the NLU.
Scored as the benchmark scores: the intent is right and every labelled slot is present with the same value.
Clip names and labels are used for scoring only. With --decoder whisper+grammar:SIZE, Whisper chooses the
grammar sentence said (assistant/recognizers/closed.py), starting from its own transcripts and the grammar
decoder's, which is scored on the same turns as "grammar (first pass)".

  .venv/bin/python bench/speech_to_intent.py --data ../shared/speech-to-intent --limit 40
  nice -n 10 .venv/bin/python bench/speech_to_intent.py --data ../shared/speech-to-intent --json
  nice -n 10 .venv/bin/python bench/speech_to_intent.py --data ../shared/speech-to-intent --conditions clean,18,12,6 \
      --decoder whisper+grammar:tiny.en
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
from benchlib import scratch_dir  # noqa: E402
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

SNRS_DB = (24, 21, 18, 15, 12, 9, 6)
FRAME = 2048  # the benchmark measures speech and noise power as the largest energy over frames this long
PUBLISHED = (("Picovoice Rhino", 97.6), ("Microsoft LUIS", 89.9), ("IBM Watson", 86.8), ("Amazon Lex", 84.5),
             ("Google Dialogflow", 77.6))
NLU_EXAMPLES = 600  # grammar expansions the NLU trains on
LM_SENTENCES = 20000  # expansions the domain LM (--decoder lm) is estimated from
OTHER_EXAMPLES = 150  # the companion's own sentences, as the "not a command" intent
SEED = 12
FIRST_PASS = "grammar (first pass)"  # whisper+grammar also scores its PocketSphinx first pass on the same turns


@dataclass(frozen=True)
class Options:
    """Recogniser levers (the defaults are what the measurements kept)."""

    decoder: str = "grammar"
    lw: float = 0.0
    domain_weight: float = 1.0
    generic_top: int = 0
    skip_empty: bool = True
    seed: int = SEED
    extra: Dict[str, Any] = field(default_factory=dict)


def read_audio(path: Path) -> Any:
    """A clip as float64 samples in [-1, 1] (16 kHz mono expected)."""
    import numpy as np
    import soundfile

    samples, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    if rate != 16000:
        raise ValueError(f"{path.name}: {rate} Hz, the benchmark's clips are 16 kHz")
    return np.ascontiguousarray(samples.mean(axis=1))


def max_frame_power(x: Any) -> float:
    """Largest mean energy over FRAME-sample frames."""
    import numpy as np

    frames = max(1, len(x) // FRAME)
    padded = np.zeros(frames * FRAME)
    padded[:min(len(x), frames * FRAME)] = x[:frames * FRAME]
    return float(np.max(np.mean(padded.reshape(frames, FRAME) ** 2, axis=1)))


def mix(speech: Any, noise: Any, snr_db: float, rng: Any) -> Any:
    """Noise at a random offset scaled to `snr_db` below the speech (frame-max powers), mix at half full scale."""
    import numpy as np

    if len(noise) < len(speech):
        noise = np.tile(noise, -(-len(speech) // len(noise)) + 1)
    start = int(rng.integers(0, len(noise) - len(speech) + 1))
    piece = noise[start:start + len(speech)]
    gain = np.sqrt(max_frame_power(speech) / max(max_frame_power(piece), 1e-12) / 10 ** (snr_db / 10))
    mixed = speech + gain * piece
    return 0.5 * mixed / max(float(np.max(np.abs(mixed))), 1e-12)


def to_pcm16(x: Any) -> bytes:
    """Float samples as 16-bit little-endian PCM."""
    import numpy as np

    return (np.clip(x, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def other_sentences(count: int) -> List[str]:
    """The companion's own NLU examples (normalised): things that are not a command of this grammar."""
    from assistant.recognizers.language_model import default_sources, nlu_examples, normalize

    texts = sorted({normalize(t) for f in default_sources()[0] for t in nlu_examples(f)} - {""})
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def nlu_yaml(grammar: Any, seed: int) -> str:
    """Rasa NLU training data: grammar expansions with entities, slot lookups, and an out_of_scope intent."""
    import yaml

    from assistant.recognizers.grammar import annotate, sample

    by_intent: Dict[str, List[str]] = {}
    for intent, text, entities in sample(grammar, NLU_EXAMPLES, seed):
        by_intent.setdefault(intent, []).append(annotate(text, entities))
    by_intent.setdefault("out_of_scope", []).extend(other_sentences(OTHER_EXAMPLES))
    items: List[Dict[str, str]] = []
    for intent, texts in sorted(by_intent.items()):
        items.append({"intent": intent, "examples": "".join(f"- {t}\n" for t in dict.fromkeys(texts))})
    for slot, values in sorted(grammar.slots.items()):
        items.append({"lookup": slot, "examples": "".join(f"- {v}\n" for v in values)})
    return yaml.safe_dump({"version": "3.1", "nlu": items}, sort_keys=False, width=1 << 16)


def lm_sentences(grammar: Any, seed: int) -> List[str]:
    """Plain expansions for the recogniser, plus every choice and slot value alone (so each has a pronunciation)."""
    from assistant.recognizers.grammar import Choice, sample

    sentences = [text for _, text, _ in sample(grammar, LM_SENTENCES, seed + 1)]
    words = {o for exprs in grammar.expressions.values() for e in exprs for p in e if isinstance(p, Choice)
             for o in p.options}
    return sentences + sorted(words | {v for values in grammar.slots.values() for v in values})


def train_nlu(grammar: Any, work: Path, seed: int) -> Path:
    """Train our NLU pipeline on the expanded grammar; the model file."""
    import contextlib

    from assistant import telemetry  # noqa: F401  (before Rasa)
    from assistant.dialogue.training import CONFIG_FILE

    data = work / "nlu.yml"
    data.write_text(nlu_yaml(grammar, seed), encoding="utf-8")
    os.environ.setdefault("RASA_CACHE_DIRECTORY", str(work / ".rasa-cache"))
    from rasa.model_training import train_nlu as rasa_train_nlu

    with contextlib.redirect_stdout(open(os.devnull, "w")):
        model = rasa_train_nlu(str(CONFIG_FILE), str(data), str(work), fixed_model_name="speech-to-intent")
    if not model or not Path(model).exists():
        raise RuntimeError("training the NLU model failed")
    return Path(model)


class NluParser:
    """A trained NLU-only Rasa model: parse(text) -> Parse."""

    def __init__(self, model: Path) -> None:
        import asyncio

        from assistant.dialogue import patches

        patches.install()
        with patches.loading():
            from rasa.core.agent import Agent

            self.agent = Agent.load(str(model))
        self._loop = asyncio.new_event_loop()

    def completes_turn(self, partial: str, mode: str) -> bool:
        """No early endpoint: an order is not a companion command, so it waits for the full silence."""
        return False

    def parse(self, text: str) -> Any:
        """Intent, confidence and entities."""
        from assistant.dialogue.engine import _to_parse, clean_text
        from assistant.messages import Parse

        cleaned = clean_text(text)
        if not cleaned:
            return Parse(text, "nlu_fallback", 0.0)
        return _to_parse(text, self._loop.run_until_complete(self.agent.parse_message(cleaned)))


def whisper_prompt(grammar: Any, seed: int) -> str:
    """A Whisper prompt from the grammar alone: a few sampled orders, then every slot value (the nearest last)."""
    from assistant.recognizers.grammar import sample

    orders = [text.capitalize() + "." for _, text, _ in sample(grammar, 3, seed + 2)]
    values = sorted({v for values in grammar.slots.values() for v in values}, key=len)
    return " ".join(orders) + " " + ", ".join(values) + "."


def make_recognizer(grammar: Any, work: Path, options: Options) -> Any:
    """The companion's recogniser with this grammar's command model (PocketSphinx), or Whisper with its vocabulary."""
    from assistant.recognizers.grammar import to_fsg
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    if options.decoder.startswith("whisper+grammar"):
        from assistant.recognizers.closed import ClosedRecognizer, PhraseNetwork

        whisper = make_recognizer(grammar, work, Options(options.decoder.replace("+grammar", ""), seed=options.seed))
        first = make_recognizer(grammar, work, Options("grammar", options.lw, seed=options.seed, extra=options.extra))
        return ClosedRecognizer(whisper, PhraseNetwork.from_grammar(grammar), first)
    if options.decoder.startswith("whisper"):
        from benchlib import bench_recognizer

        recognizer = bench_recognizer(options.decoder, work / "lm", names=())
        recognizer.prompt_text["command"] = whisper_prompt(grammar, options.seed)
        return recognizer

    decoder_options = dict(options.extra)
    if options.lw:
        decoder_options["lw"] = options.lw
    fsg = to_fsg(grammar) if options.decoder == "grammar" else None
    return PocketSphinxRecognizer(phrases=lm_sentences(grammar, options.seed), generic_top=options.generic_top,
                                  domain_weight=options.domain_weight, cache_dir=work / "lm",
                                  decoder_options=decoder_options, grammar=fsg)


def accepted(parse: Any, label: Dict[str, Any]) -> bool:
    """The benchmark's rule: intent right and every labelled slot present with the same (stripped) value."""
    if parse.intent != label.get("intent"):
        return False
    found: Dict[str, set] = {}
    for entity in parse.entities:
        found.setdefault(entity.entity, set()).add(str(entity.value).strip())
    return all(str(v).strip() in found.get(k, set()) for k, v in (label.get("slots") or {}).items())


class Turn:
    """One worker's assistant: the recogniser, the NLU and the listening settings."""

    def __init__(self, data: Path, work: Path, model: Path, options: Options) -> None:
        import yaml

        from assistant.recognizers.grammar import read_context
        from assistant.settings import ListenSettings

        grammar = read_context(yaml.safe_load((data / "context.yaml").read_text(encoding="utf-8")))
        self.recognizer = make_recognizer(grammar, work, options)
        if hasattr(self.recognizer, "decoder"):
            self.recognizer.decoder("command")
        self.nlu = NluParser(model)
        self.listen = ListenSettings()
        self.noise = read_audio(data / "noise" / "kitchen.flac")
        self.options = options

    def hear(self, audio: bytes) -> str:
        """The transcript of one spoken turn (endpointed as the companion endpoints a command)."""
        from assistant.messages import AudioChunk
        from assistant.pipeline import VoicePipeline
        from assistant.recognizers import EDGE_SILENCE

        pipeline = VoicePipeline(self.recognizer, self.nlu, None, self.listen)
        audio = EDGE_SILENCE + audio + EDGE_SILENCE * 4  # room before and after, as a microphone gives
        chunks = iter([AudioChunk(audio[i:i + 960]) for i in range(0, len(audio), 960)])
        endpointer = pipeline.endpointer()
        while True:  # a clatter the recogniser hears no words in is not the turn: keep listening
            heard = pipeline.hear(chunks, endpointer)
            if heard is None or heard.transcript.text or not self.options.skip_empty:
                return heard.transcript.text if heard else ""

    def run(self, clip: Path, snr: Optional[int], index: int) -> Heard:
        """Transcripts and parses of one clip in one condition (the first pass's too, for whisper+grammar)."""
        import numpy as np

        speech = read_audio(clip)
        if snr is not None:
            speech = mix(speech, self.noise, snr, np.random.default_rng([self.options.seed, snr, index]))
        started = time.perf_counter()
        text = self.hear(to_pcm16(speech))
        heard = Heard(self.options.decoder, text, self.nlu.parse(text), time.perf_counter() - started,
                      getattr(self.recognizer, "seconds", 0.0))
        first = getattr(self.recognizer, "first_heard", None)
        if first is None:
            return heard
        return heard._replace(others=((FIRST_PASS, first, self.nlu.parse(first)),))


class Heard(NamedTuple):
    """One turn: the decoder's transcript and parse, seconds for the turn and for the closed choice, and other
    decoders' (name, transcript, parse) of the same turn."""

    decoder: str
    text: str
    parse: Any
    seconds: float
    choice_seconds: float
    others: Tuple[Tuple[str, str, Any], ...] = ()


_TURN: Optional[Turn] = None


def _init_worker(data: Path, work: Path, model: Path, options: Options) -> None:
    """Pool initialiser: load the assistant once per worker process."""
    global _TURN
    _TURN = Turn(data, work, model, options)


def _run_task(task: Tuple[str, Optional[int], int, str]) -> Tuple[str, int, Heard]:
    """One (condition, clip) in a worker."""
    name, snr, index, clip = task
    assert _TURN is not None
    return name, index, _TURN.run(Path(clip), snr, index)


def conditions(selected: str) -> List[Tuple[str, Optional[int]]]:
    """(name, SNR dB or None) for the conditions asked for ("all", or a comma list like "clean,6")."""
    every = [("clean", None)] + [(f"{snr}dB", snr) for snr in SNRS_DB]
    if selected == "all":
        return every
    wanted = {s.strip().replace("dB", "") for s in selected.split(",")}
    return [(n, s) for n, s in every if (n if s is None else str(s)) in wanted]


def check_data(data: Path) -> Optional[str]:
    """None if DIR has the benchmark's layout, else what is missing."""
    for rel in ("label.json", "context.yaml", "noise/kitchen.flac", "clips"):
        if not (data / rel).exists():
            return f"{data / rel} is missing (expected clips/*.flac, label.json, context.yaml, noise/kitchen.flac)"
    return None


def evaluate(data: Path, limit: int = 0, selected: str = "all", workers: int = 2, options: Options = Options(),
             misses: int = 0, progress: bool = True, stride: int = 1) -> List[Dict[str, Any]]:
    """Rows {"condition", "n", "accepted", "rate"} per condition over every `stride`-th clip (the first `limit`)."""
    import yaml

    from assistant.recognizers.grammar import read_context

    labels = json.loads((data / "label.json").read_text(encoding="utf-8"))
    clips = sorted(p for p in (data / "clips").glob("*.flac") if p.name in labels)[::max(1, stride)]
    if limit:
        clips = clips[:limit]
    grammar = read_context(yaml.safe_load((data / "context.yaml").read_text(encoding="utf-8")))
    work = scratch_dir("speech-to-intent-")
    t0 = time.perf_counter()
    model = train_nlu(grammar, work, options.seed)
    if not options.decoder.startswith("whisper:"):  # builds the shared LM/dictionary cache once
        make_recognizer(grammar, work, Options("grammar", seed=options.seed)
                        if options.decoder.startswith("whisper") else options).decoder("command")
    if progress:
        print(f"assistant built in {time.perf_counter() - t0:.1f} s ({work})", file=sys.stderr)
    tasks = [(name, snr, i, str(clip)) for name, snr in conditions(selected) for i, clip in enumerate(clips)]
    results: Dict[Tuple[str, str], List[bool]] = {}
    seconds: Dict[Tuple[str, str], List[Tuple[float, float]]] = {}
    shown = 0
    t1 = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    init = (data, work, model, options)
    if workers > 1:
        pool = ctx.Pool(workers, _init_worker, init)
        outcomes = pool.imap(_run_task, tasks, chunksize=4)
    else:
        _init_worker(*init)
        pool, outcomes = None, map(_run_task, tasks)
    try:
        for done, (name, index, heard) in enumerate(outcomes, 1):
            label = labels[clips[index].name]
            seconds.setdefault((heard.decoder, name), []).append((heard.seconds, heard.choice_seconds))
            for decoder, text, parse in ((heard.decoder, heard.text, heard.parse), *heard.others):
                ok = accepted(parse, label)
                oks = results.setdefault((decoder, name), [])
                oks.append(ok)
                if progress and len(oks) == len(clips):
                    print(f"  done {decoder} {name}: {sum(oks)}/{len(oks)} = {sum(oks) / len(oks):.3f}",
                          file=sys.stderr)
                if not ok and shown < misses:
                    shown += 1
                    slots = {e.entity: e.value for e in parse.entities}
                    print(f"  miss {decoder} {name}: heard {text!r} -> {parse.intent} {slots}; wanted "
                          f"{label['slots']}", file=sys.stderr)
            if progress and done % 50 == 0:
                print(f"  {done}/{len(tasks)} turns, {time.perf_counter() - t1:.0f} s", file=sys.stderr)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    rows = []
    for (decoder, name), oks in sorted(results.items(), key=lambda item: item[0][0] == FIRST_PASS):
        times = seconds.get((decoder, name), [])
        rows.append({"decoder": decoder, "condition": name, "n": len(oks), "accepted": sum(oks),
                     "rate": sum(oks) / max(1, len(oks)),
                     "ms_per_turn": round(1000 * sum(t for t, _ in times) / len(times)) if times else None,
                     "ms_choice": round(1000 * sum(c for _, c in times) / len(times)) if times else None})
    if progress:
        print(f"{len(tasks)} turns in {time.perf_counter() - t1:.0f} s", file=sys.stderr)
    return rows


def noisy_average(rows: Sequence[Dict[str, Any]], decoder: Optional[str] = None) -> Optional[float]:
    """Mean rate over the noisy conditions present (of one decoder's rows, or all rows)."""
    noisy = [r["rate"] for r in rows if r["condition"] != "clean" and decoder in (None, r.get("decoder"))]
    return sum(noisy) / len(noisy) if noisy else None


def main(argv: Optional[List[str]] = None) -> int:
    """Run the benchmark and print one line per condition (or JSON lines with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with clips/, label.json, context.yaml, noise/")
    parser.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    parser.add_argument("--limit", type=int, default=0, help="only the first N clips (by name)")
    parser.add_argument("--conditions", default="all", help='"all" or a comma list, e.g. "clean,12,6"')
    parser.add_argument("--stride", type=int, default=1, help="every N-th clip (a spread-out subset)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--misses", type=int, default=0, help="list this many rejected turns on stderr")
    parser.add_argument("--decoder", choices=("grammar", "lm", "whisper:tiny.en", "whisper:base",
                                              "whisper+grammar:tiny.en", "whisper+grammar:base"),
                        default=Options.decoder,
                        help="command model: JSGF grammar from context.yaml, a domain trigram LM, Whisper prompted "
                             "with the grammar's words, or Whisper choosing among the grammar's sentences "
                             "(whisper+grammar: starting from its own and the grammar decoder's transcripts)")
    parser.add_argument("--lw", type=float, default=0.0, help="PocketSphinx language weight (0: the recogniser's default, 3.0 for a grammar)")
    parser.add_argument("--domain-weight", type=float, default=Options.domain_weight, help="--decoder lm mix")
    parser.add_argument("--generic-top", type=int, default=Options.generic_top, help="--decoder lm generic words")
    parser.add_argument("--first-utterance", action="store_true",
                        help="score the first endpointed utterance even when no words were heard in it")
    parser.add_argument("--ps", action="append", default=[], metavar="KEY=VALUE",
                        help="extra PocketSphinx decoder option (repeatable)")
    args = parser.parse_args(argv)
    data = Path(args.data)
    problem = check_data(data)
    if problem:
        print(f"speech_to_intent: {problem}", file=sys.stderr)
        return 2
    extra: Dict[str, Any] = {}
    for item in args.ps:
        key, _, value = item.partition("=")
        extra[key] = value
    options = Options(args.decoder, args.lw, args.domain_weight, args.generic_top,
                      not args.first_utterance, SEED, extra)
    rows = evaluate(data, args.limit, args.conditions, max(1, args.workers), options, args.misses,
                    stride=args.stride)
    decoders = list(dict.fromkeys(r["decoder"] for r in rows))
    if args.json:
        for row in rows:
            print(json.dumps(row))
        for decoder in decoders:
            print(json.dumps({"decoder": decoder, "condition": "average_noisy", "rate": noisy_average(rows, decoder)}))
        return 0
    print(f"{'decoder':28} {'condition':10} {'clips':>5} {'accepted':>8} {'rate':>6} {'ms/turn':>8} {'ms choice':>9}")
    for row in rows:
        ms = "" if row["ms_per_turn"] is None else str(row["ms_per_turn"])
        choice = str(row["ms_choice"]) if row["ms_choice"] else ""
        print(f"{row['decoder']:28} {row['condition']:10} {row['n']:5d} {row['accepted']:8d} {row['rate']:6.3f} "
              f"{ms:>8} {choice:>9}")
    for decoder in decoders:
        average = noisy_average(rows, decoder)
        if average is not None:
            print(f"average over noise, {decoder}: {100 * average:.1f} %")
    print("published (average over 24-6 dB): " + ", ".join(f"{name} {value}" for name, value in PUBLISHED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
