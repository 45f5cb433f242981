"""The speed work keeps behaviour: lean Rasa import, per-turn shortcuts, early endpoint, timings output."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List, Optional

import pytest

from assistant.endpoint import Endpointer
from assistant.messages import AudioChunk, Entity, Parse, Reply, Transcript
from assistant.settings import ListenSettings
from tests.conftest import PROJECT, json_lines
from tests.speechgen import have_tools, shared_maker

LEAN_CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import assistant.telemetry
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.settings import Settings
    from assistant.store import StateStore

    engine = RasaDialogueEngine.load(sys.argv[1], ActionContext(Settings(), state=StateStore(Path(sys.argv[2]))))
    out = {"intent": engine.parse("give us a conversation starter about desire").intent,
           "reply": list(engine.respond("give us a conversation starter about desire").texts),
           "tensorflow": "tensorflow" in sys.modules, "matplotlib": "matplotlib" in sys.modules,
           "validator_kept": "rasa.graph_components.validators.default_recipe_validator" in sys.modules,
           "unused_clients": [name for name in ("aiogram", "socketio", "webexteamssdk", "slack_sdk", "twilio",
                                                "pymongo", "boto3", "apscheduler") if name in sys.modules]}
    # The serving side imports for real when asked for.
    import rasa.core.channels as channels
    import rasa.core.jobs as jobs
    import rasa.core.tracker_store as tracker_store
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    out["channels"] = sorted(channels.BUILTIN_CHANNELS)
    out["dynamo_key"] = type(tracker_store.Key("sender_id").eq("x")).__module__
    out["scheduler_real"] = issubclass(AsyncIOScheduler, jobs.AsyncIOScheduler)
    # Training later in the same process must get the real TensorFlow classes.
    import tensorflow as tf
    import rasa.utils.train_utils as train_utils
    from rasa.graph_components.validators import default_recipe_validator as validator
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    logger = train_utils.create_common_callbacks(1, None, None, None)[0]
    out["callback_is_keras"] = isinstance(logger, tf.keras.callbacks.Callback)
    out["validator_has_real_diet"] = validator.DIETClassifier is DIETClassifier
    import rasa.nlu.test
    out["plots_resolve"] = callable(rasa.nlu.test.plot_utils.plot_confusion_matrix)
    print(json.dumps(out))
    """
)


def test_lean_load_skips_tensorflow_and_later_training_gets_the_real_classes(model_path: Path, tmp_path: Path):
    done = subprocess.run([sys.executable, "-c", LEAN_CHECK, str(model_path), str(tmp_path / "state.json")],
                          capture_output=True, text=True, cwd=PROJECT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["intent"] == "request_prompt" and out["reply"]
    assert out["tensorflow"] is False and out["matplotlib"] is False
    assert out["validator_kept"] is False  # imported against placeholders for the load only, then dropped
    assert out["unused_clients"] == []  # chat channels' and tracker stores' client libraries: not imported
    assert {"telegram", "slack", "socketio", "rest"} <= set(out["channels"])
    assert out["dynamo_key"] == "boto3.dynamodb.conditions" and out["scheduler_real"]
    assert out["callback_is_keras"] and out["validator_has_real_diet"] and out["plots_resolve"]


def test_deferred_class_acts_as_the_real_class():
    import json as real_json

    from assistant.dialogue.lean_import import deferred_class

    stand_in = deferred_class("json", "JSONDecoder")
    decoder = stand_in()
    assert type(decoder) is real_json.JSONDecoder
    assert isinstance(decoder, stand_in) and issubclass(real_json.JSONDecoder, stand_in)
    assert stand_in.decode is real_json.JSONDecoder.decode
    assert not isinstance(object(), stand_in)


def test_action_results_are_still_validated(dialogue_engine):
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}], "responses": []})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot", "timestamp": "not a number"}]})


def test_event_lookup_by_name_matches_rasa(dialogue_engine):
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    for cls in rasa.shared.utils.common.all_subclasses(Event):
        expected = next(c for c in rasa.shared.utils.common.all_subclasses(Event) if c.type_name == cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is expected
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        Event.resolve_by_type("no-such-event")


def test_a_turn_reads_the_tracker_it_saved(conversation):
    engine = conversation()
    first = engine.respond("let's do our bedtime check in")
    assert first.active_loop == "checkin_form" and first.listen_mode == "open"
    assert engine.respond("stop").active_loop is None


# ---------------------------------------------------------------- early endpoint


class FakeStream:
    """A recognition stream that has heard `words` (the pipeline's own logic is under test)."""

    def __init__(self, words: str) -> None:
        self.words = words

    def accept(self, audio: bytes) -> None:
        pass

    def partial(self) -> str:
        return self.words

    def finish(self) -> Transcript:
        return Transcript(self.words, "fake", None)


class LateStream(FakeStream):
    """Its words come only from the `ready_after`-th partial() on, as while a pause's decode is still running."""

    def __init__(self, words: str, ready_after: int) -> None:
        super().__init__(words)
        self.asked = 0
        self.ready_after = ready_after

    def partial(self) -> str:
        self.asked += 1
        return self.words if self.asked > self.ready_after else ""


class FakeRecognizer:
    name = "fake"

    def __init__(self, words: str, ready_after: int = 0) -> None:
        self.words = words
        self.ready_after = ready_after

    def stream(self, mode: str, expects: object = None) -> FakeStream:
        return LateStream(self.words, self.ready_after) if self.ready_after else FakeStream(self.words)


class FakeEngine:
    """Parses every text as one fixed intent."""

    def __init__(self, intent: str, confidence: float = 0.97, entities: tuple = ()) -> None:
        self.result = Parse("", intent, confidence, entities)
        self.parsed: List[str] = []

    def parse(self, text: str) -> Parse:
        self.parsed.append(text)
        return dataclasses.replace(self.result, text=text)

    def respond(self, text: str) -> Reply:
        return Reply(text, self.result, ("ok",))

    def completes_turn(self, partial: str, mode: str) -> bool:
        """The real engine's rule over this fake's fixed parse."""
        from assistant.dialogue.addressee import completes_turn

        return bool(partial.split()) and completes_turn(self.parse(partial), mode, 0.6)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> bytes:
    """Real speech followed by 1.5 s of silence, 16 kHz."""
    if have_tools():
        pytest.skip(f"{have_tools()} is not installed")
    from assistant.audio import read_wav

    maker = shared_maker(tmp_path_factory.getbasetemp())
    return read_wav(maker.vary(maker.espeak("next one"), pad_s=(0.5, 1.5), rate=16000))[0]


def wait_ms(words: str, engine: FakeEngine, audio: bytes, mode: str = "command",
            listen: Optional[ListenSettings] = None, ready_after: int = 0) -> float:
    """How long after the last voiced frame the pipeline ended the utterance (stream position, ms)."""
    from assistant.pipeline import VoicePipeline

    listen = listen or ListenSettings()
    pipeline = VoicePipeline(FakeRecognizer(words, ready_after), engine, None, listen)
    pipeline.mode = mode  # type: ignore[assignment]
    endpointer = pipeline.endpointer()
    fed = []

    def chunks():
        for offset in range(0, len(audio), 960):
            fed.append(offset + 960)
            yield AudioChunk(audio[offset:offset + 960], timestamp=(offset + 960) / 32000)

    heard = pipeline.hear(chunks(), endpointer)
    assert heard is not None and heard.transcript.text == words
    return (fed[-1] / 32000 - heard.utterance.end_time) * 1000


def test_a_whole_command_ends_after_the_short_pause(spoken):
    assert 190 <= wait_ms("next one", FakeEngine("skip"), spoken) <= 290


def test_unsure_or_unfinished_words_wait_for_the_full_silence(spoken):
    full = ListenSettings().trailing_silence_ms
    assert wait_ms("next one", FakeEngine("skip", confidence=0.5), spoken) >= full - 30
    assert wait_ms("give us a conversation starter", FakeEngine("request_prompt"), spoken) >= full - 30
    topic = FakeEngine("request_prompt", entities=(Entity("topic", "desire"),))
    assert wait_ms("give us a conversation starter about desire", topic, spoken) <= 290
    assert wait_ms("hey companion", FakeEngine("greet"), spoken) >= full - 30
    assert wait_ms("let's do our", FakeEngine("affirm"), spoken) >= full - 30  # "our" cannot end the turn
    assert wait_ms("let's do that then", FakeEngine("affirm"), spoken) >= full - 30  # a long "yes" may go on
    assert wait_ms("yes please", FakeEngine("affirm"), spoken) <= 290


def test_open_answers_only_end_early_for_a_rating_or_a_control_word(spoken):
    open_full = ListenSettings().open_trailing_silence_ms
    assert wait_ms("yes", FakeEngine("affirm"), spoken, mode="open") >= open_full - 30
    rating = FakeEngine("inform", entities=(Entity("rating", "4"),))
    assert wait_ms("a four", rating, spoken, mode="open") <= 290
    assert wait_ms("pass", FakeEngine("skip"), spoken, mode="open") <= 290
    assert wait_ms("more time", FakeEngine("repeat"), spoken, mode="open") >= open_full - 30


def test_words_ready_later_in_the_pause_still_end_it_early(spoken):
    """A decode still running at the first check is asked again each chunk, not given up for the pause."""
    slow = ListenSettings(trailing_silence_ms=900)
    assert wait_ms("next one", FakeEngine("skip"), spoken, listen=slow, ready_after=4) <= 450
    assert wait_ms("give us a starter", FakeEngine("request_prompt"), spoken, listen=slow, ready_after=4) >= 870


def test_early_endpoint_can_be_switched_off(spoken):
    off = ListenSettings(early_endpoint_ms=0)
    assert wait_ms("next one", FakeEngine("skip"), spoken, listen=off) >= off.trailing_silence_ms - 30


def test_endpointer_end_now_closes_the_open_utterance(spoken):
    endpointer = Endpointer(ListenSettings())
    assert endpointer.end_now() is None and endpointer.silence_ms == 0
    events = []
    for offset in range(0, len(spoken), 960):
        events += endpointer.feed(AudioChunk(spoken[offset:offset + 960], timestamp=offset / 32000))
        if endpointer.silence_ms >= 150:
            break
    assert events[0].kind == "speech-start" and endpointer.in_speech
    end = endpointer.end_now()
    assert end is not None and end.kind == "speech-end" and end.utterance.audio
    assert not endpointer.in_speech and endpointer.silence_ms == 0


# ---------------------------------------------------------------- timings output


def test_listen_timings_add_stage_times_and_a_ready_line(run_cli, spoken, tmp_path: Path):
    from assistant.audio import write_wav

    wav = tmp_path / "turn.wav"
    write_wav(wav, spoken)
    result = run_cli(["listen", "--json", "--timings", "--output-dir", str(tmp_path / "out"), "--input", str(wav)])
    assert result.returncode == 0, result.stderr
    (row,) = json_lines(result.stdout)
    assert set(row["timings"]) == {"endpoint_ms", "stt_ms", "dialogue_ms", "tts_first_ms"}
    assert all(value >= 0 for value in row["timings"].values())
    ready = [line for line in result.stderr.splitlines() if line.startswith("companion: ready at ")]
    assert len(ready) == 1 and "dialogue" in ready[0] and "recognizer" in ready[0]


def test_partial_hypothesis_is_read_while_the_utterance_stays_open(spoken, tmp_path_factory):
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    # A decoder of its own: the shared one's cepstral mean has adapted to whatever the tests before it fed.
    sphinx = PocketSphinxRecognizer(cache_dir=Path(tmp_path_factory.getbasetemp()) / "lm-cache")
    stream = sphinx.stream("command")
    lead_in = 960 * 10  # 0.3 s: silence only
    stream.accept(spoken[:lead_in])
    before = stream.partial()
    for offset in range(lead_in, len(spoken), 960):
        stream.accept(spoken[offset:offset + 960])
    during = stream.partial()
    # What the words are is the accuracy suites' business (this robotic voice on a cold decoder varies by
    # machine); here: nothing before speech, a hypothesis while the utterance is still open.
    assert before == "" and during.strip(), (before, during)
    assert stream.finish().text and stream.partial() == ""  # finish() still works after partial(); then closed
