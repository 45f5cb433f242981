"""Switch off everything in Rasa that could phone home, before Rasa is imported."""

from __future__ import annotations

import logging
import os
import warnings


def _quiet(*args: object, **kwargs: object) -> None:
    """Drop library deprecation chatter: the couple should never see it."""


def disable() -> None:
    """Turn off Rasa telemetry and crash reports, and quieten library chatter."""
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    warnings.filterwarnings("ignore")
    warnings.showwarning = _quiet  # Rasa's dependencies reset the filters while importing
    try:
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    except ImportError:
        pass
    for name in ("rasa", "rasa_sdk", "tensorflow", "absl", "sanic", "apscheduler", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)


disable()
