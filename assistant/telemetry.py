"""Switch off everything in Rasa that could phone home, before Rasa is imported."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import logging
import os
import socket
import sys
import warnings
from typing import Any, Dict, Optional, Sequence

PROBING_MODULES = frozenset({"urllib3.util.connection"})


def _quiet(*args: object, **kwargs: object) -> None:
    """Drop library deprecation chatter: the couple should never see it."""


class _NoSocketProbe(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports urllib3's connection helpers without the IPv6 probe socket they open on `::1` at import time."""

    def __init__(self) -> None:
        self._loaders: Dict[str, Any] = {}

    def find_spec(self, name: str, path: Optional[Sequence[str]], target: Any = None) -> Any:
        """Take over loading the modules that probe the network when imported; leave the rest alone."""
        if name not in PROBING_MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        self._loaders[name] = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: Any) -> Any:
        """The real loader's module."""
        return self._loaders[spec.name].create_module(spec)

    def exec_module(self, module: Any) -> None:
        """Run the module with `socket.has_ipv6` off, so `_has_ipv6()` opens no socket."""
        saved = socket.has_ipv6
        socket.has_ipv6 = False
        try:
            self._loaders[module.__spec__.name].exec_module(module)
        finally:
            socket.has_ipv6 = saved


def _block_import_probes() -> None:
    """Install the import hook once (it only matters for modules not imported yet)."""
    if not any(isinstance(finder, _NoSocketProbe) for finder in sys.meta_path):
        sys.meta_path.insert(0, _NoSocketProbe())


def _no_git_version_lookup() -> None:
    """webexteamssdk (pulled in by Rasa) works out its version by running five `git` commands in whatever
    checkout holds the virtualenv; its installed metadata says the same without starting any process."""
    import types

    if "webexteamssdk._version" in sys.modules:
        return
    module = types.ModuleType("webexteamssdk._version")

    def get_versions() -> Dict[str, Any]:
        """The installed package's version, from its metadata."""
        from importlib import metadata

        try:
            version = metadata.version("webexteamssdk")
        except metadata.PackageNotFoundError:
            version = "0+unknown"
        return {"version": version, "full-revisionid": None, "dirty": None, "error": None, "date": None}

    module.__dict__["get_versions"] = get_versions
    sys.modules["webexteamssdk._version"] = module


def disable() -> None:
    """Turn off Rasa telemetry and crash reports, and quieten library chatter."""
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    _block_import_probes()
    _no_git_version_lookup()
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
