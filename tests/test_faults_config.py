"""Hostile config, prompts and environment: every bad value is one line naming the key, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import settings
from assistant.errors import ConfigError


def load_text(home: Path, text: str | bytes) -> settings.Settings:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "config.yml"
    config.write_bytes(text if isinstance(text, bytes) else text.encode())
    return settings.load(config)


@pytest.mark.parametrize("text, key", [
    ("voice: {rate: .nan}", "voice.rate"),
    ("voice: {rate: .inf}", "voice.rate"),
    ("voice: {volume: -.inf}", "voice.volume"),
    ("model_dir: 5", "model_dir"),
    ("listen: {trailing_silence_ms: -5}", "listen.trailing_silence_ms"),
    ("voice: {bedtime_hour: 99}", "voice.bedtime_hour"),
    ("voice: {bedtime_hour: 21.5}", "voice.bedtime_hour"),
    ("listen: {vad_aggressiveness: 7}", "listen.vad_aggressiveness"),
    ("listen: {early_endpoint_confidence: 2}", "listen.early_endpoint_confidence"),
    ("listen: {max_utterance_s: 0}", "listen.max_utterance_s"),
    ("listen: {recognizer: kaldi}", "listen.recognizer"),
    ("voice: {engine: festival}", "voice.engine"),
    ("listen: {wake_phrase: ''}", "listen.wake_phrase"),
    ("listen: {wake_phrase: [a, b]}", "listen.wake_phrase"),
    ("listen: {wake_verify: 'maybe'}", "listen.wake_verify"),
    ("listen: {input_device: {a: 1}}", "listen.input_device"),
    ("journal: 'yes'", "journal"),
    ("voice: 5", "voice"),
    ("colour: blue", "colour"),
    ("voice: {pitch: 3}", "voice.pitch"),
])
def test_each_bad_value_is_one_line_naming_its_key(companion_home: Path, text: str, key: str):
    with pytest.raises(ConfigError) as info:
        load_text(companion_home, text)
    message = str(info.value)
    assert f"'{key}'" in message and "\n" not in message and "config.yml" in message


@pytest.mark.parametrize("partners", ["[Sam, Sam]", "[Sam, sam]", "[Sam]", "[Sam, Alex, Kai]", "[Sam, '  ']",
                                      "'Sam,Sam'", "[Sam, 5]", "[Sam, \"\\e\\u202e\"]"])
def test_partners_must_be_two_different_printable_names(companion_home: Path, partners: str):
    with pytest.raises(ConfigError, match="partners") as info:
        load_text(companion_home, f"partners: {partners}")
    assert "\n" not in str(info.value)


def test_control_and_bidi_characters_are_taken_out_of_names(companion_home: Path):
    loaded = load_text(companion_home, 'partners: ["\\e[31mSam\\u202e", "Al\\u0007ex"]')
    assert loaded.partners == ("[31mSam", "Alex")
    assert settings.parse_partners("Sam\u202e,\u2066Alex") == ("Sam", "Alex")


def test_good_values_load_with_their_types(companion_home: Path):
    loaded = load_text(companion_home, "voice: {rate: 150.0, bedtime_hour: 0}\nlisten: {max_utterance_s: 10}\nmodel_dir: /tmp/m")
    assert loaded.voice.rate == 150 and isinstance(loaded.voice.rate, int)
    assert loaded.listen.max_utterance_s == 10.0 and isinstance(loaded.listen.max_utterance_s, float)
    assert loaded.model_dir == "/tmp/m"
    assert settings.validate(loaded) is loaded


def test_non_utf8_config_is_one_line(companion_home: Path):
    with pytest.raises(ConfigError, match="not UTF-8") as info:
        load_text(companion_home, b"partners: [Sam, Al\xe9x]\n")
    assert "config.yml" in str(info.value) and "\n" not in str(info.value)


def test_huge_config_is_refused_without_reading_it_all(companion_home: Path):
    with pytest.raises(ConfigError, match="larger than"):
        load_text(companion_home, b"# " + b"x" * (settings.MAX_USER_FILE_BYTES + 10))


@pytest.mark.parametrize("variable, value", [("COMPANION_JOURNAL", "maybe"), ("COMPANION_LEAN_RASA", "perhaps"),
                                             ("COMPANION_MODEL_DIR", "/tmp/\x1b[2Jx")])
def test_bad_environment_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        settings.load()


def test_environment_is_read_in_one_place(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from assistant.dialogue.training import default_model_dir

    monkeypatch.setenv("COMPANION_JOURNAL", "on")
    monkeypatch.setenv("COMPANION_MODEL_DIR", str(tmp_path / "m"))
    monkeypatch.setenv("COMPANION_LEAN_RASA", "0")
    env = settings.environment()
    assert env.journal is True and env.model_dir == str(tmp_path / "m") and env.lean_rasa is False
    assert settings.Settings(journal=False).journal_enabled is True
    assert default_model_dir("/elsewhere") == tmp_path / "m"
    monkeypatch.setenv("COMPANION_JOURNAL", "off")
    assert settings.Settings(journal=True).journal_enabled is False


def test_non_utf8_prompts_file_is_skipped_with_one_line_and_add_refuses(companion_home: Path):
    from assistant.content import add_user_prompt, load_library

    companion_home.mkdir(parents=True)
    prompts = companion_home / "prompts.yml"
    prompts.write_bytes(b"prompts:\n  - {topic: desire, text: 'Caf\xe9 talk?'}\n")
    library = load_library()
    assert len(library.problems) == 1 and "not UTF-8" in library.problems[0] and "built-in" in library.problems[0]
    assert library.prompts
    with pytest.raises(ConfigError, match="not UTF-8"):
        add_user_prompt("desire", "What makes you feel wanted?")
    with pytest.raises(ConfigError, match="not UTF-8"):
        settings.check_files()
    assert prompts.read_bytes().startswith(b"prompts:\n  - {topic: desire, text: 'Caf\xe9")


def test_config_updates_from_many_processes_each_land(companion_home: Path):
    import os
    import subprocess
    import sys

    from tests.conftest import PROJECT

    code = ("import dataclasses, sys\nfrom assistant import settings\n"
            "for _ in range(15):\n"
            "    settings.update(lambda s: dataclasses.replace(s, voice=dataclasses.replace(s.voice, rate=s.voice.rate + 1)))\n")
    env = dict(os.environ, COMPANION_HOME=str(companion_home))
    children = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=PROJECT) for _ in range(4)]
    assert [c.wait(timeout=120) for c in children] == [0, 0, 0, 0]
    assert settings.load().voice.rate == 160 + 60


def test_an_update_that_makes_a_bad_value_is_refused_and_nothing_is_written(companion_home: Path):
    import dataclasses

    with pytest.raises(ConfigError, match="voice.bedtime_hour"):
        settings.update(lambda s: dataclasses.replace(s, voice=dataclasses.replace(s.voice, bedtime_hour=24)))
    assert not (companion_home / "config.yml").exists()
