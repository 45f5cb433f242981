"""Load a Rasa model without importing TensorFlow when nothing in it needs TensorFlow.

Rasa's prediction path imports TensorFlow only by accident: `rasa.utils.train_utils` (imported by every entity
extractor and policy) pulls in two Keras-based training helpers, and the recipe validator named in every model's
training schema imports DIET, ResponseSelector and TED. Our light pipeline uses none of them, and TensorFlow costs
seconds of start-up and ~350 MB of memory (bench/coldstart.py, bench/memory.py).

`lean_rasa()` imports those two modules with stand-ins for the TensorFlow modules, and nothing else:
- in `train_utils` the three helper classes become `Deferred` stand-ins that import the real class the first
  time they are called or inspected, so training a TensorFlow pipeline later in the same process still works;
- the recipe validator is imported against placeholders only while the model loads (its class is only named in
  the training schema, never run), then dropped from `sys.modules`, so a later training imports the real one.
Evaluation plots (matplotlib) are imported on first use. Placeholders never stay in `sys.modules`: a model that does use DIET or TED imports the real modules as usual.

Rasa's serving side is imported by accident too, ~30 MB of the companion's peak RSS (bench/memory.py):
- `rasa.core.channels` imports all fifteen chat channels (Telegram, Slack, Webex, Socket.IO, Twilio...) with their
  client libraries, though the agent only needs the base classes of `channels.channel`. The package is made
  without running its `__init__`; the first other name asked of it runs it then (`lazy_package`).
- `rasa.core.tracker_store` names DynamoDB's `Key` and MongoDB's `Collection` (boto3, pymongo), and
  `rasa.core.jobs` the reminder scheduler (apscheduler): each is imported with a
  deferred stand-in for those classes, which imports the real one the first time it is called.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
import types
from typing import Any, Dict, Iterator, Set, Tuple

TRAIN_UTILS = "rasa.utils.train_utils"
TRAIN_HELPERS: Dict[str, Tuple[str, ...]] = {
    "rasa.utils.tensorflow.callback": ("RasaTrainingLogger", "RasaModelCheckpoint"),
    "rasa.utils.tensorflow.data_generator": ("RasaBatchDataGenerator", "RasaDataGenerator"),
}
VALIDATOR = "rasa.graph_components.validators.default_recipe_validator"
VALIDATOR_TF_MODULES = (
    "rasa.nlu.classifiers.diet_classifier",
    "rasa.nlu.selectors.response_selector",
    "rasa.core.policies.ted_policy",
)
# The validator's TensorFlow-free imports, loaded for real before the placeholder window opens.
VALIDATOR_DEPENDENCIES = (
    "rasa.core.featurizers.precomputation",
    "rasa.engine.graph",
    "rasa.nlu.featurizers.featurizer",
    "rasa.nlu.extractors.mitie_entity_extractor",
    "rasa.nlu.extractors.regex_entity_extractor",
    "rasa.nlu.extractors.crf_entity_extractor",
    "rasa.nlu.extractors.entity_synonyms",
    "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer",
    "rasa.nlu.tokenizers.tokenizer",
    "rasa.core.policies.rule_policy",
    "rasa.core.policies.policy",
    "rasa.core.policies.memoization",
    "rasa.core.constants",
    "rasa.shared.core.training_data.structures",
    "rasa.shared.importers.importer",
)
# Importers whose heavy imports are only used inside functions: bound to forwarding stand-ins.
DEFERRED_IMPORTS = {"rasa.nlu.test": ("rasa.utils.plotting",)}  # matplotlib, for evaluation plots
# Packages whose `__init__` runs only when a name other than these is asked of them: {package: {submodule: names}}.
LAZY_PACKAGES: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "rasa.core.channels": {"channel": ("InputChannel", "OutputChannel", "UserMessage", "CollectingOutputChannel")},
}
# Importers whose named classes from these modules are only called (or annotated) inside functions.
DEFERRED_CLASSES: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "rasa.core.tracker_store": {"boto3.dynamodb.conditions": ("Key",), "pymongo.collection": ("Collection",)},
    "rasa.core.jobs": {"apscheduler.schedulers.asyncio": ("AsyncIOScheduler",)},
}


class Deferred(type):
    """Metaclass of a stand-in class: the real class is imported on first call, attribute or type check."""

    def real(cls) -> Any:
        """The real class (importing its module now if needed)."""
        target = cls.__dict__.get("_real")
        if target is None:
            target = getattr(importlib.import_module(cls.__dict__["_module"]), cls.__name__)
            type.__setattr__(cls, "_real", target)
        return target

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") or name in ("_real", "_module"):
            raise AttributeError(name)
        return getattr(cls.real(), name)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls.real())

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls.real())


def deferred_class(module: str, name: str) -> type:
    """A stand-in for `module.name` that imports it on first real use."""
    return Deferred(name, (), {"_module": module, "_real": None, "__module__": module})


def _placeholder(module: str, names: Tuple[str, ...] = ()) -> types.ModuleType:
    """A module whose every attribute is a deferred stand-in class."""
    placeholder = types.ModuleType(module)
    placeholder.__dict__["_companion_placeholder"] = True
    for name in names:
        setattr(placeholder, name, deferred_class(module, name))
    placeholder.__getattr__ = lambda name: deferred_class(module, name)  # type: ignore[method-assign]  # module-level __getattr__ (PEP 562)
    return placeholder


@contextlib.contextmanager
def _placeholders(modules: Dict[str, Tuple[str, ...]]) -> Iterator[Set[str]]:
    """Put placeholder modules in `sys.modules` for the block; yields the set of modules imported inside it."""
    saved = {name: sys.modules.get(name) for name in modules}
    for name, names in modules.items():
        sys.modules[name] = _placeholder(name, names)
    before = set(sys.modules)
    imported: Set[str] = set()
    try:
        yield imported
    finally:
        imported.update(set(sys.modules) - before)
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old


def available() -> bool:
    """Whether a lean import can still help (TensorFlow not imported yet, not switched off)."""
    from assistant.settings import environment

    return environment().lean_rasa and "tensorflow" not in sys.modules


def forwarding_module(module: str) -> types.ModuleType:
    """A stand-in module whose attributes come from the real `module`, imported on first attribute access."""
    stand_in = types.ModuleType(module)
    stand_in.__dict__["_companion_placeholder"] = True
    stand_in.__getattr__ = lambda name: getattr(importlib.import_module(module), name)  # type: ignore[method-assign]  # PEP 562
    return stand_in


def import_deferring(importer: str, modules: Tuple[str, ...]) -> bool:
    """Import `importer` with each of `modules` bound to a forwarding stand-in; False if already imported."""
    if importer in sys.modules or any(name in sys.modules for name in modules):
        return False
    sys.modules.update({name: forwarding_module(name) for name in modules})
    try:
        importlib.import_module(importer)
    finally:
        for name in modules:
            sys.modules.pop(name, None)
    return True


def lazy_package(package: str, eager: Dict[str, Tuple[str, ...]]) -> bool:
    """Put `package` in `sys.modules` without running its `__init__`: its submodules import as usual, the names
    in `eager` ({submodule: names}) are there at once, and the first other name asked of it runs the `__init__`.
    False if it was already imported (or cannot be found)."""
    if package in sys.modules:
        return False
    parent_name, _, child = package.rpartition(".")
    parent = importlib.import_module(parent_name) if parent_name else None
    spec = importlib.util.find_spec(package)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def run_init(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        del module.__getattr__  # the PEP 562 hook set below
        loader.exec_module(module)
        return getattr(module, name)

    module.__getattr__ = run_init  # type: ignore[method-assign]  # module-level __getattr__ (PEP 562)
    sys.modules[package] = module
    if parent is not None:
        setattr(parent, child, module)
    try:
        for submodule, names in eager.items():
            loaded = importlib.import_module(f"{package}.{submodule}")
            for name in names:
                setattr(module, name, getattr(loaded, name))
    except Exception:
        sys.modules.pop(package, None)
        if parent is not None and getattr(parent, child, None) is module:
            delattr(parent, child)
        raise
    return True


def import_deferring_classes(importer: str, classes: Dict[str, Tuple[str, ...]]) -> bool:
    """Import `importer` with the named classes of modules not yet imported as deferred stand-ins; False if
    `importer` was already imported."""
    if importer in sys.modules:
        return False
    with _placeholders({name: names for name, names in classes.items() if name not in sys.modules}):
        importlib.import_module(importer)
    return True


def import_train_utils() -> bool:
    """Import `rasa.utils.train_utils` with deferred Keras helpers; False if it was already imported."""
    if TRAIN_UTILS in sys.modules or not available():
        return False
    with _placeholders(TRAIN_HELPERS):
        importlib.import_module(TRAIN_UTILS)
    return True


@contextlib.contextmanager
def lean_rasa() -> Iterator[bool]:
    """Inside the block, importing Rasa and `Agent.load` of a TensorFlow-free model do not import TensorFlow.

    Yields whether the lean path is active. On exit the recipe validator is dropped again, so a later training
    in this process gets the real one.
    """
    if not available():
        yield False
        return
    from assistant import telemetry  # noqa: F401  (before Rasa)

    for package, eager in LAZY_PACKAGES.items():
        lazy_package(package, eager)
    for importer, classes in DEFERRED_CLASSES.items():
        import_deferring_classes(importer, classes)
    import_train_utils()
    for importer, modules in DEFERRED_IMPORTS.items():
        import_deferring(importer, modules)
    validator_loaded_here = False
    if VALIDATOR not in sys.modules:
        for name in VALIDATOR_DEPENDENCIES:
            importlib.import_module(name)
        if "tensorflow" not in sys.modules:
            with _placeholders({name: () for name in VALIDATOR_TF_MODULES}):
                importlib.import_module(VALIDATOR)
            validator_loaded_here = True
    try:
        yield True
    finally:
        if validator_loaded_here:
            _forget(VALIDATOR)


def _forget(module: str) -> None:
    """Drop a module (imported against placeholders) so the next import runs it for real."""
    sys.modules.pop(module, None)
    parent, _, child = module.rpartition(".")
    package = sys.modules.get(parent)
    if package is not None and getattr(package, child, None) is not None:
        delattr(package, child)
