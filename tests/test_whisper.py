"""The Whisper recogniser on real audio: real people, Piper and espeak-ng voices, silence and noise."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from assistant.audio import read_wav
from assistant.recognizers import EDGE_SILENCE, load_recognizer, transcribe, whisper
from assistant.recognizers import whisper_text, whisper_weights
from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer
from assistant.settings import ListenSettings
from speechgen import word_errors

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
KITCHEN = Path(__file__).resolve().parent.parent.parent / "shared" / "speech-to-intent" / "noise"
ESPEAK_VOICES = (("en-us", 150, 50), ("en", 140, 30), ("en-gb-x-rp", 160, 70), ("en-us+f3", 150, 60))


@pytest.fixture
def decodes(rec, monkeypatch):
    """The audio lengths of every full decode the recogniser runs in the test (the quick reading is not one)."""
    calls = []
    original = rec.decode

    def counting(audio, context, guard=True, encoded=None):
        calls.append(len(audio))
        return original(audio, context, guard, encoded)

    monkeypatch.setattr(rec, "decode", counting)
    return calls


def pcm(path: Path) -> bytes:
    return read_wav(path)[0]


def sox_noise(tmp_path: Path, colour: str, volume: float, seconds: float = 2.0) -> bytes:
    out = tmp_path / f"{colour}-{volume}.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(out), "synth", str(seconds), colour,
                    "vol", str(volume)], check=True)
    return pcm(out)


def test_packaged_weights_are_checked_and_load(rec):
    assert rec.name == "whisper"
    assert whisper_weights.sha256_of(rec.model_dir / "model.bin") == whisper_weights.WEIGHTS["tiny.en"].sha256


@pytest.mark.skipif(not (LIBRIVOX / "transcription").is_file(), reason="Debian pocketsphinx-testdata is not installed")
def test_real_human_read_speech_word_error_rate_is_low(rec):
    from assistant.recognizers import clean_text

    errors = words = 0
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        text, _, ident = line.rpartition("(")
        reference = clean_text(text.replace("<s>", "").replace("</s>", ""))
        with wave.open(str(LIBRIVOX / f"{ident.strip(') ')}.wav")) as handle:
            audio = handle.readframes(handle.getnframes())
        errors += word_errors(reference, transcribe(rec, audio, "open").text)
        words += len(reference.split())
    assert errors / words <= 0.10  # PocketSphinx: 0.228 on the same clips


def test_silence_is_no_words(rec, maker):
    for mode in ("command", "open"):
        assert transcribe(rec, pcm(maker.silence(2.0)), mode).text == ""


@pytest.mark.parametrize("colour", ["whitenoise", "pinknoise", "brownnoise"])
@pytest.mark.parametrize("volume", [0.05, 0.3])
def test_noise_alone_is_no_words(rec, tmp_path, colour, volume):
    noise = sox_noise(tmp_path, colour, volume)
    for mode in ("command", "open"):
        assert transcribe(rec, noise, mode).text == "", (colour, volume, mode)


@pytest.mark.skipif(not KITCHEN.is_dir(), reason="the shared speech-to-intent noise recordings are not here")
def test_real_kitchen_noise_alone_is_no_words(rec, tmp_path):
    clips = sorted(KITCHEN.glob("*"))[:2]
    assert clips
    for clip in clips:
        out = tmp_path / f"{clip.stem}.wav"
        subprocess.run(["sox", "-R", "-V1", str(clip), "-r", "16000", "-c", "1", "-b", "16", str(out), "trim", "0", "3"],
                       check=True)
        for mode in ("command", "open"):
            assert transcribe(rec, pcm(out), mode).text == "", (clip.name, mode)


def test_a_word_said_once_is_heard_once(rec, maker):
    """Short clips made Whisper loop ("five five", "a three three three"): the guard hears them once."""
    for voice, speed, pitch in ESPEAK_VOICES:
        assert transcribe(rec, pcm(maker.espeak("five", voice, speed, pitch)), "open").text == "five"
    assert transcribe(rec, pcm(maker.piper("stop")), "command").text == "stop"


@pytest.mark.parametrize("looped, once", [
    ("five five", "five"),
    ("a three three three three", "a three"),
    ("probably a three today probably a three", "probably a three today"),
    ("let's do our bedtime check in let's do our bedtime check in let's do our bedtime check", "let's do our bedtime check in"),
    ("very very good", "very very good"),
    ("next one next", "next one"),
    ("stop the check in stop", "stop the check in"),
    ("not really i'm good not really i am", "not really i'm good"),
    ("maybe a three maybe a four", "maybe a three maybe a four"),
    ("i'm tired i am", "i'm tired"),
    ("we can talk about it", "we can talk about it"),
    ("turn by turn", "turn by turn"),
    ("face to face", "face to face"),
])
def test_collapse_repeats(looped, once):
    assert whisper_text.collapse_repeats(looped) == once


def test_output_is_bounded_by_the_audio_length(rec, maker):
    """The token budget grows with the audio: a short clip cannot run away into a paragraph."""
    audio = pcm(maker.espeak("la la la la la la la la la la la la", "en-us", 260))
    seconds = len(audio) / 32000
    decoded = rec.decode(audio, rec.context("open"))
    assert len(rec.tokenizer.encode(" " + decoded.text, add_special_tokens=False).ids) <= \
        whisper.MIN_TOKENS + whisper.TOKENS_PER_SECOND * seconds + 2


def test_a_rating_question_helps_hear_the_number(rec, maker):
    """After a rating question "three" is heard as three, not "free", in robotic voices too."""
    heard = []
    for voice, speed, pitch in ESPEAK_VOICES:
        stream = rec.stream("open", "rating")
        stream.accept(EDGE_SILENCE + pcm(maker.espeak("probably a three today", voice, speed, pitch)) + EDGE_SILENCE)
        heard.append(stream.finish().text)
    assert sum("three" in text.split() for text in heard) >= 3, heard
    stream = rec.stream("open", "rating")
    stream.accept(EDGE_SILENCE + pcm(maker.piper("I'd say a four, dinner was really nice")) + EDGE_SILENCE)
    assert "four" in stream.finish().text.split()


def test_domain_words_in_every_voice(rec, maker):
    """The check-in request, the one robotic voices lost with PocketSphinx, in Piper and espeak-ng voices."""
    clips = [maker.piper("let's do our bedtime check in")]
    clips += [maker.espeak("let's do our bedtime check in", v, s, p) for v, s, p in ESPEAK_VOICES]
    for clip in clips:
        assert "check in" in transcribe(rec, pcm(clip), "command").text, clip


def test_a_pause_decodes_in_the_background_and_finish_reuses_it(rec, maker, decodes):
    """Decoding starts while the trailing silence is still being confirmed; finish() then has nothing left to do."""
    stream = rec.stream("command")
    speech = EDGE_SILENCE + pcm(maker.piper("next one"))
    for offset in range(0, len(speech), 3200):
        stream.accept(speech[offset:offset + 3200])
    for _ in range(6):  # 600 ms of silence, 100 ms at a time
        stream.accept(b"\0\0" * 1600)
    heard = stream.finish()
    assert heard.text == "next one" and heard.engine == "whisper"
    assert len(decodes) == 1 and decodes[0] < len(speech) + 6 * 3200


def read_pause(stream, audio: bytes) -> str:
    """Feed `audio` and 300 ms of silence, then wait (as the audio loop asks) for the pause's partial reading."""
    import time

    for offset in range(0, len(audio), 3200):
        stream.accept(audio[offset:offset + 3200])
    for _ in range(3):
        stream.accept(b"\0\0" * 1600)
    deadline = time.monotonic() + 30
    while not (text := stream.partial()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return text


def test_a_whole_command_is_finished_as_the_quick_reading_heard_it(rec, maker, decodes):
    """A command turn's pause is first read greedily; when the early check takes it as a whole turn, finish() uses
    that reading and runs no beam decode at all."""
    stream = rec.stream("command")
    assert read_pause(stream, EDGE_SILENCE + pcm(maker.piper("say that again"))) == "say that again"
    stream.judged(True)
    heard = stream.finish()
    assert heard.text == "say that again" and decodes == []


def test_a_quick_reading_too_late_for_the_early_endpoint_is_judged_at_the_end(rec, maker, decodes):
    """The trailing silence ran out before the early check saw the quick reading: finish() asks the pipeline's judge,
    and a whole command is still finished as heard, with no fuller decode; anything else gets the full one."""
    whole = rec.stream("command")
    whole.judge = lambda text: text == "next one"
    read_pause(whole, EDGE_SILENCE + pcm(maker.piper("next one")))
    assert whole.finish().text == "next one" and decodes == []
    part = rec.stream("command")
    part.judge = lambda text: False
    read_pause(part, EDGE_SILENCE + pcm(maker.piper("give us a conversation starter about")))
    assert part.finish().text.startswith("give us a conversation starter") and len(decodes) == 1


def test_a_quick_reading_that_is_no_whole_turn_gets_the_full_reading_in_the_background(rec, maker):
    """Not a whole turn: the beam reading starts at once, while the trailing silence still runs, and finish()
    reuses it; an answer turn (no beam) is read once, fully."""
    import time

    stream = rec.stream("command")
    read_pause(stream, EDGE_SILENCE + pcm(maker.piper("give us a conversation starter about")))
    stream.judged(False)
    deadline = time.monotonic() + 30
    while not stream._idle() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert stream._latest is not None and not stream._latest_quick  # the full reading is ready before the end
    assert stream.finish().text.startswith("give us a conversation starter")
    answer = rec.stream("open")
    assert read_pause(answer, EDGE_SILENCE + pcm(maker.piper("a slow breakfast together"))).endswith("breakfast together")
    assert not answer._latest_quick


def test_partial_never_waits_and_is_what_was_said_so_far(rec, maker):
    """partial() is asked by the audio loop: it starts a background decode and says nothing until one is done."""
    import time

    stream = rec.stream("command")
    stream.accept(EDGE_SILENCE + pcm(maker.piper("give us a conversation starter")))
    assert stream.partial() == ""  # nothing decoded yet: a decode starts, and the loop goes on
    deadline = time.monotonic() + 30
    while stream.partial() == "" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stream.partial() == "give us a conversation starter"
    assert stream.finish().text == "give us a conversation starter"


def test_missing_whisper_folder_is_one_line_and_pocketsphinx(tmp_path):
    notes = []
    rec = load_recognizer(ListenSettings(recognizer="whisper", whisper_dir=str(tmp_path / "nowhere")),
                          notify=notes.append)
    assert isinstance(rec, PocketSphinxRecognizer)
    assert len(notes) == 1 and "\n" not in notes[0] and "PocketSphinx" in notes[0]


def test_corrupt_weights_are_refused_before_use(monkeypatch):
    """A model file whose SHA-256 differs from the pinned one is never loaded: one line, then PocketSphinx."""
    spec = whisper_weights.WEIGHTS["tiny.en"]
    monkeypatch.setitem(whisper_weights.WEIGHTS, "tiny.en", whisper_weights.WhisperWeights(
        spec.name, spec.packages, spec.folder, spec.parts, "0" * 64))
    notes = []
    rec = load_recognizer(ListenSettings(recognizer="whisper"), notify=notes.append)
    assert isinstance(rec, PocketSphinxRecognizer)
    assert len(notes) == 1 and "corrupt" in notes[0]


def test_a_damaged_model_file_in_a_folder_is_one_line(tmp_path, rec):
    folder = tmp_path / "whisper-tiny.en"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).write_bytes((rec.model_dir / name).read_bytes())
    (folder / "model.bin").write_bytes((rec.model_dir / "model.bin").read_bytes()[:100000])
    notes = []
    fallback = load_recognizer(ListenSettings(recognizer="whisper", whisper_dir=str(folder)), notify=notes.append)
    assert isinstance(fallback, PocketSphinxRecognizer) and len(notes) == 1 and "\n" not in notes[0]


def test_a_folder_model_is_english_only_by_its_own_vocabulary_not_its_name(tmp_path, rec):
    """A tiny.en model in a folder whose name says nothing is still decoded without language tokens."""
    folder = tmp_path / "my-whisper"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", "model.bin"):
        (folder / name).symlink_to(rec.model_dir / name)
    loaded = load_recognizer(ListenSettings(recognizer="whisper", whisper_dir=str(folder)), notify=pytest.fail)
    assert loaded.tokenizer.token_to_id("<|en|>") not in loaded.prompt_tokens("command")
    assert loaded.prompt_tokens("command")[-2:] == rec.prompt_tokens("command")[-2:]


def test_without_context_there_is_no_prompt_hint_or_scored_answer(rec, maker):
    """The bench's "+bare" measurement: no previous text, no hint of what was asked, nothing rescored."""
    bare = whisper.WhisperRecognizer(rec.model_dir, context=False)
    assert bare.context("open", "rating").prompt == bare.context("command").prompt
    assert bare.context("command", "yes_no").closed == ()
    audio = EDGE_SILENCE + pcm(maker.espeak("I will go four", "en-us")) + EDGE_SILENCE
    assert bare.decode(audio, bare.context("open", "rating")).text.split()[-1] != "four"


def test_a_rating_heard_as_a_homophone_is_read_as_the_number(rec, maker):
    """After a rating question an answer with no number heard is scored with its number-like word read as the
    number ("i will go for" -> "four"); an answer with no rating in it keeps its words."""
    for voice in ("en-us", "en-us+f3"):
        audio = EDGE_SILENCE + pcm(maker.espeak("I will go four", voice)) + EDGE_SILENCE
        context = rec.context("open", "rating")
        rec.rescoring = False
        try:
            assert rec.decode(audio, context).text == "i will go for", voice  # Whisper's own words
        finally:
            rec.rescoring = True
        assert rec.decode(audio, context).text == "i will go four", voice
    for clip in (maker.piper("we went for a long walk after work"), maker.espeak("we went for a long walk after work")):
        heard = rec.decode(EDGE_SILENCE + pcm(clip) + EDGE_SILENCE, rec.context("open", "rating")).text
        assert "for" in heard.split() and "four" not in heard.split(), heard


@pytest.mark.parametrize("heard, readings", [
    ("i'll go for", ["i'll go four"]),
    ("probably a free today", ["probably a three today"]),
    ("to or far", ["two or far", "to or four"]),
    ("probably the two", ["probably a two"]),
    ("the two of us", []),
    ("we laughed a lot", []),
])
def test_rating_readings(heard, readings):
    assert whisper_text.rating_readings(heard) == readings


@pytest.mark.parametrize("heard, readings", [
    ("well how did five we were busy", [f"{n} out of five we were busy" for n in ("one", "two", "three", "four", "five")]),
    ("a two hour file we", [f"a {n} out of five we" for n in ("one", "two", "three", "four", "five")]),
    ("how did five", []),  # no word before it to hold the rating
    ("we went out for a walk", []),
])
def test_scale_readings(heard, readings):
    assert whisper_text.scale_readings(heard) == readings


@pytest.mark.parametrize("written, spots, readings", [
    ("Or I think it went well.", [(0, "four")], ["Four I think it went well.", "Four, I think it went well."]),
    ("Pre-ish, the day was long.", [(0, "three")], ["Three-ish, the day was long."]),
    ("I'd go to bed.", [(2, "two")], ["I'd go two bed.", "I'd go two, bed."]),
    ("I too, we were busy.", [(1, "two")], ["I two, we were busy.", "A two, we were busy."]),
    ("We were fine.", [(5, "five")], []),  # a spot past the words is none
])
def test_number_readings(written, spots, readings):
    assert whisper_text.number_readings(written, spots) == readings


def written_and_spots(rec, audio: bytes, context) -> tuple:
    """Whisper's written words for `audio` after a rating question, and where it nearly wrote a number."""
    encoded = rec.encode(audio)
    result = rec.model.generate(encoded.output, [context.prompt], max_length=len(context.prompt) + 20,
                                return_logits_vocab=True, beam_size=1)[0]
    return (rec.tokenizer.decode(result.sequences_ids[0]).split(),
            rec.number_spots(result.sequences_ids[0], result.logits[0]))


def test_a_rating_whisper_nearly_wrote_is_read_from_its_own_odds(rec, maker):
    """After a rating question Whisper's next-word odds say where a number was nearly written: the first word of
    "Three-ish..." said by a robotic voice, and nowhere in an answer with no number."""
    audio = EDGE_SILENCE + pcm(maker.espeak("Three-ish, the evening was calm")) + EDGE_SILENCE
    context = rec.context("open", "rating")
    written, spots = written_and_spots(rec, audio, context)
    assert written[0].lower().startswith("three") or (0, "three") in spots, (written, spots)
    assert rec.decode(audio, context).text.split()[0] == "three"
    plain = EDGE_SILENCE + pcm(maker.piper("we cooked together and went for a walk")) + EDGE_SILENCE
    assert written_and_spots(rec, plain, context)[1] == []


@pytest.mark.parametrize("looped, takes", [
    ("stop talking start talking", ["stop talking", "start talking"]),
    ("companion stop companion start companion star", ["companion stop", "companion start", "companion star"]),
    ("okay stop okay stop", ["okay stop"]),
    ("okay start okay stop okay start okay", ["okay start", "okay stop"]),
    ("stop talking start talking stop", ["stop talking", "start talking"]),
    ("tell me tell us more", []),
    ("we talked and we laughed", []),
    ("one two three four", []),
])
def test_looped_variants(looped, takes):
    assert whisper_text.looped_variants(looped) == takes



@pytest.mark.parametrize("looped, whole_takes", [
    ("could we hear a gentle one could we hear the gentle one", ["could we hear a gentle one",
                                                                 "could we hear the gentle one"]),
    ("pay close attention please hey close attention please", ["pay close attention please",
                                                               "hey close attention please"]),
    ("put this one in the keepers put this in", ["put this one in the keepers"]),  # cut short the second time
    ("we talked and then we talked some more", []),  # a phrase said again inside a sentence is no loop
    ("next one please", []),
    ("tell me more tell us", []),
])
def test_takes(looped, whole_takes):
    assert whisper_text.takes(looped) == whole_takes


def test_a_command_written_twice_over_is_the_take_in_the_companions_words(rec):
    """A command looped with a word changed keeps the take that sounds like a command; an answer keeps it all."""
    assert rec.one_take("play one of our favourites play one of our favour it") == "play one of our favourites"
    assert rec.one_take("skip that one please slip that one please") == "skip that one please"
    assert rec.one_take("we laughed a lot tonight") == "we laughed a lot tonight"
    assert rec.one_take("stop talking start talking") == "stop talking start talking"  # the audio chooses those

@pytest.mark.parametrize("heard, readings", [
    ("okay start", ["okay stop"]),  # only the word spelled like a stop word is tried
    ("star", ["stop"]),
    ("quite", ["quiet"]),
    ("next one", []),  # nothing like a stop word: no alignment spent
    ("pass", []),
    ("stop it", []),  # a stop already
    ("let's start the check in", []),  # too long to be a stop half heard
])
def test_stop_readings(heard, readings):
    assert whisper_text.stop_readings(heard) == readings


@pytest.mark.parametrize("heard, readings", [
    ("won't ever mind", ["never mind"]),  # a stretch spelled near a stop phrase is read as it
    ("and it now", ["end it now"]),
    ("we're now to set up", ["enough", "that's enough"]),  # "enough" heard as "...t up"
    ("okay start", []),  # a word reading (stop_readings) already
    ("next one", []),
    ("we went out for a long walk", []),  # too long to be a stop half heard
    ("stop it", []),
])
def test_phrase_stop_readings(heard, readings):
    assert whisper_text.phrase_stop_readings(heard) == readings


def test_a_stop_phrase_half_heard_over_words_is_a_stop_and_talk_stays_talk(rec, maker):
    """A British espeak-ng voice's "that's enough" is heard as "nice it off" or "match it up": read over the
    stretch of words, the audio fits the stop; short talk ending the same way stays talk."""
    from assistant.dialogue.commands import heard_stop

    def heard(text: str) -> str:
        clip = maker.vary(maker.espeak(text, "en-gb", 140, 45), 0, 1.0, 0.0, pad_s=(0.3, 0.4), rate=16000)
        return transcribe(rec, pcm(clip), "open").text

    for text in ("yes, that's enough", "right, that's enough"):
        assert heard_stop(heard(text)), text
    for text in ("we made up", "cheer up", "can we check in", "go for it"):
        assert not heard_stop(heard(text)), text


def test_a_stop_whisper_half_heard_is_a_stop_and_a_start_stays_a_start(rec, maker):
    """A short utterance is tried as a stop ("okay start" -> "okay stop") and a looped output as each of its takes
    ("stop talking start talking" -> "stop talking"), on Whisper alone; "start", "not tonight" are no stop."""
    alone = whisper.WhisperRecognizer(rec.model_dir, prompt=rec.prompt_text["command"],
                                      open_prompt=rec.prompt_text["open"])
    def heard(text: str, cents: int) -> str:
        clip = maker.vary(maker.piper(text), pitch_cents=cents, rate=16000)
        return alone.decode(EDGE_SILENCE + pcm(clip) + EDGE_SILENCE, alone.context("command")).text

    for text, cents in (("okay stop", 200), ("stop talking", 0), ("stop talking", 200)):
        assert heard(text, cents) == text, (text, cents)
    from assistant.dialogue.commands import heard_stop

    for text in ("start", "not tonight", "okay sure"):
        for cents in (0, 200):
            assert not heard_stop(heard(text, cents)), (text, cents)


def test_a_yes_or_no_question_scores_the_likely_answers(rec, maker):
    """After a yes-or-no question the usual answers are scored against the audio: a robotic "no thanks" that
    Whisper alone writes as "low thanks" is heard as said; an answer outside the set stays Whisper's own."""
    audio = b"\0\0" * 4800 + pcm(maker.espeak("no thanks", "en-gb")) + EDGE_SILENCE
    stream = rec.stream("command", "yes_no")
    stream.accept(audio)
    assert stream.finish().text == "no thanks"
    stream = rec.stream("command", "yes_no")
    stream.accept(EDGE_SILENCE + pcm(maker.piper("maybe after a cuddle")) + EDGE_SILENCE)
    assert stream.finish().text == "maybe after a cuddle"


def test_whisper_confirms_the_wake_phrase_and_refuses_words_that_begin_like_it(rec, maker):
    """The spotter's third stage: the phrase is confirmed; "hey company", "hey campaign", which the first two
    stages (keyphrase search, alignment) take for it in these voices, are refused."""
    import functools

    from assistant.wake import PocketSphinxWakeSpotter

    def hits(text: str, voice: str) -> int:
        spotter = PocketSphinxWakeSpotter("hey companion", confirm=functools.partial(rec.hears_phrase, "hey companion"))
        clip = maker.piper(text) if voice == "piper" else maker.espeak(text, voice)
        audio = b"\0\0" * 8000 + pcm(clip) + b"\0\0" * 16000
        return sum(spotter.feed(audio[i:i + 960]) is not None for i in range(0, len(audio), 960))

    for voice in ("piper", "en+f3"):
        assert hits("hey companion give us a conversation starter", voice) == 1, voice
        assert hits("hey company is coming tomorrow", voice) == 0, voice
        assert hits("hey campaign is over", voice) == 0, voice


def test_a_stop_is_heard_in_every_pitch_and_an_answer_with_stop_stays_an_answer(rec, maker):
    """PocketSphinx's command decoder listens to the same audio for a stop: Whisper alone heard a pitched-up
    "stop" as "star" or "start". A longer answer with the word in it is still the answer."""
    for cents in (0, 200, 300, 400):
        for text in ("stop", "okay stop", "stop talking"):
            clip = maker.vary(maker.piper(text), pitch_cents=cents, rate=16000)
            heard = transcribe(rec, pcm(clip), "open").text
            assert "stop" in heard.split(), (text, cents, heard)
    answer = "maybe stop rushing the end a little"
    assert transcribe(rec, pcm(maker.piper(answer)), "open").text == answer


@pytest.mark.parametrize("written, spoken", [
    ("I'd say a 4.", "i'd say a four"),
    ("A 12 ounce latte, please!", "a twelve ounce latte please"),
    ("Mr. Dashwood had 24 hours", "mister dashwood had twenty four hours"),
    ("Let's do our bedtime check-in.", "let's do our bedtime check in"),
    ("A3.", "a three"),
    ("F4", "f four"),
    ("Play a Favorite.", "play a favourite"),
])
def test_whisper_text_in_spoken_words(written, spoken):
    assert whisper_text.normalise(written) == spoken


def test_phrasings_prefer_what_is_said_to_the_companion():
    """The word-pair model scores a command-like reading above a garbled one, and no words lowest."""
    from assistant.recognizers.phrasings import PhrasingModel

    model = PhrasingModel(["play one of our favourites", "give us a starter from our favourites", "next one please"])
    assert model.score("play one of our favourites please") > model.score("play one of our family with the sleaze")
    assert model.score("") < model.score("lamp shade orbit")


def test_a_command_turn_takes_the_beam_reading_that_sounds_like_a_command(rec):
    """Of two readings Whisper scored alike, the one in the companion's own words wins; a lone reading stands."""
    assert rec.context("command").nbest and not rec.context("open", "rating").nbest
    readings = [rec.tokenizer.encode(f" {text}", add_special_tokens=False).ids
                for text in ("Play one of our family with the sleaze.", "Play one of our favourites, please.")]
    assert rec.likeliest_command(readings, [-0.5, -0.55]) == 1
    assert rec.likeliest_command(readings[:1], [-0.5]) == 0


def test_a_reading_whisper_is_sure_of_keeps_its_words_against_a_commoner_command(rec):
    """When Whisper scores its best reading as clearly heard, a runner-up that merges or splits its words into
    commoner command words does not win on them, while one with as many words still may; heard less surely, the
    phrasings choose among all."""
    def ids(*texts: str) -> list:
        return [rec.tokenizer.encode(f" {text}", add_special_tokens=False).ids for text in texts]

    merged = ids("Play one of our family with the sleaze.", "Play one of our favourites, please.")
    assert rec.likeliest_command(merged, [-0.3, -0.32]) == 0
    assert rec.likeliest_command(merged, [-0.7, -0.72]) == 1
    assert rec.likeliest_command(ids("Play one of our famine please.", "Play one of our favourites please."),
                                 [-0.3, -0.32]) == 1


def test_a_command_reading_cut_short_does_not_win_on_its_phrasing(rec):
    """A beam reading that stops early ("Next one.") loses to the longer reading Whisper scored higher, however
    common its words; a shorter reading Whisper itself scored higher stands."""
    readings = [rec.tokenizer.encode(f" {text}", add_special_tokens=False).ids
                for text in ("Next one about the garden shed.", "Next one.")]
    assert rec.likeliest_command(readings, [-0.45, -0.6]) == 0
    # the shorter reading Whisper scored higher by a clear 0.1 (within 0.05 the phrasings may still choose the longer
    # one, as they did once nlu/kinds16.yml held "one about X" requests: that is their job, not a cut-short reading's)
    assert rec.likeliest_command(readings[::-1], [-0.6, -0.7]) == 0
    assert whisper_text.cut_short(["next one", "next one about the shed", "next"], [-0.6, -0.45, -7.0]) == [
        True, False, True]


def test_an_out_of_five_half_heard_is_read_as_one_with_the_rating_before_it(rec, maker):
    """Robotic voices say "one out of five" so that Whisper writes "well how did five" or "well how than five": after
    a rating question that five is the scale, and the reading "one out of five" fits the audio."""
    from assistant.dialogue.entity_values import rating_in_answer

    context = rec.context("open", "rating")
    for voice in (("en-us", 150, 50), ("en-us+f3", 150, 60), ("en-us+m3", 135, 40)):
        audio = EDGE_SILENCE + pcm(maker.espeak("one out of five, we hardly saw each other", *voice)) + EDGE_SILENCE
        heard = rec.decode(audio, context).text
        assert rating_in_answer(heard) == "1", (voice, heard)


def test_a_beam_reading_with_a_rating_is_found_and_none_is_made_up(rec, maker):
    """Searching Whisper's beam readings of an answer to a rating question finds the number said, and finds none
    in an answer that holds no number."""
    from assistant.dialogue.entity_values import rating_in_answer

    context = rec.context("open", "rating")
    for said, rating in (("maybe a three, we had a quiet evening", "3"), ("we cooked dinner and went for a walk", None)):
        encoded = rec.encode(EDGE_SILENCE + pcm(maker.piper(said)) + EDGE_SILENCE)
        reading = rec.rated_reading(encoded, context, 40)
        assert (rating_in_answer(reading) if reading else None) == rating, reading


@pytest.mark.parametrize("words, refused", [
    ("don't stop", True), ("please don't stop now", True), ("never stop", True),
    ("no stop", False), ("stop", False), ("okay that's enough", False), ("star", False),
])
def test_words_that_ask_not_to_stop(words, refused):
    from assistant.dialogue.commands import refuses_stop

    assert refuses_stop(words) is refused


def test_a_stop_asked_not_to_be_is_no_stop_and_a_stop_still_is(rec, maker):
    """PocketSphinx's command decoder heard robotic "don't stop" as "stop", which won over Whisper's own "don't
    stop" and ended a check-in; words that ask not to stop now keep it going, and a plain stop still stops."""
    from assistant.meta_command import answer_control

    for voice, speed, pitch in (("en-us", 150, 50), ("en-gb", 140, 45)):
        for text, stops in (("don't stop", False), ("please don't stop", False), ("stop", True), ("okay stop", True)):
            clip = maker.vary(maker.espeak(text, voice, speed, pitch), 0, 1.0, 0.0075, pad_s=(0.3, 0.4), rate=16000)
            heard = transcribe(rec, pcm(clip), "open").text
            assert (answer_control(heard) == "stop") is stops, (voice, text, heard)

