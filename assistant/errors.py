"""One error type per pipeline stage, each with a code and a spoken fallback."""

from __future__ import annotations


class CompanionError(Exception):
    """A user-facing failure: printed as one line, never as a traceback."""

    code = "error"
    spoken = "Sorry, something went wrong on my side."

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(CompanionError):
    """A config, state or prompt file that cannot be used."""

    code = "config"


class StorageError(CompanionError):
    """The data directory or a file in it cannot be written or read."""

    code = "storage"
    spoken = "I can't save anything right now, but we can keep talking."


class AudioInputError(CompanionError):
    """A microphone or audio file that cannot deliver audio."""

    code = "audio-input"
    spoken = "I can't hear anything from the microphone."


class RecognizerError(CompanionError):
    """A speech recogniser that cannot load or decode."""

    code = "stt"
    spoken = "Sorry, I didn't catch that."


class DialogueError(CompanionError):
    """The Rasa model cannot be trained, loaded or run."""

    code = "dialogue"
    spoken = "Sorry, I lost my train of thought. Could you say that again?"


class SpeechError(CompanionError):
    """Text-to-speech or audio output failed."""

    code = "tts"
    spoken = ""
