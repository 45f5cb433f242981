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
"""

from __future__ import annotations

import contextlib
import importlib
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
