"""Small Rasa NLU components: a fast-loading linear intent classifier, a filler fallback, an entity canonicaliser."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack

from assistant.dialogue.entity_values import canonical_value, find_rating

logger = logging.getLogger(__name__)


def _features(messages: List[Message]) -> csr_matrix:
    """One row of sentence features (sparse and dense side by side) per message."""
    rows = []
    for message in messages:
        _, sparse = message.get_sparse_features(TEXT)
        _, dense = message.get_dense_features(TEXT)
        parts = [csr_matrix(f.features) for f in (sparse, dense) if f is not None]
        rows.append(hstack(parts) if parts else csr_matrix((1, 0)))
    return vstack(rows).tocsr()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Multinomial logistic regression over sentence features, stored as plain arrays (loads in milliseconds)."""

    WEIGHTS = "weights.npz"
    LABELS = "labels.json"

    @classmethod
    def required_components(cls) -> List[Type]:
        """Needs featurizers before it."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Regularisation strength, iterations, and how many intents to rank."""
        return {"C": 10.0, "max_iter": 300, "ranking_length": 10}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: Optional[np.ndarray] = None,
        bias: Optional[np.ndarray] = None,
        labels: Optional[List[str]] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.weights, self.bias, self.labels = weights, bias, labels or []

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearIntentClassifier":
        """A new, untrained classifier."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example that has an intent and text."""
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        clf = LogisticRegression(
            C=float(self.config["C"]), max_iter=int(self.config["max_iter"]), class_weight="balanced",
            solver="lbfgs", random_state=42,
        )
        clf.fit(_features(examples), [e.get(INTENT) for e in examples])
        weights, bias = clf.coef_, clf.intercept_
        if len(clf.classes_) == 2:  # binary sklearn models keep one row; make it two-class softmax
            weights, bias = np.vstack([-weights[0] / 2, weights[0] / 2]), np.array([-bias[0] / 2, bias[0] / 2])
        self.weights, self.bias, self.labels = weights, bias, [str(c) for c in clf.classes_]
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / self.WEIGHTS, weights=self.weights, bias=self.bias)
            (model_dir / self.LABELS).write_text(json.dumps(self.labels), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext, **kwargs: Any,
    ) -> "LinearIntentClassifier":
        """Read the arrays back (no pickle); an untrained classifier if there are none."""
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / cls.WEIGHTS, allow_pickle=False) as arrays:
                    weights, bias = arrays["weights"], arrays["bias"]
                labels = json.loads((model_dir / cls.LABELS).read_text(encoding="utf-8"))
        except (ValueError, OSError) as err:
            logger.debug(f"LinearIntentClassifier has no trained weights ({err}); it will predict nothing.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, weights, bias, labels)

    def process(self, messages: List[Message]) -> List[Message]:
        """Set `intent` and `intent_ranking` on each message."""
        if self.weights is None or not messages:
            return messages
        scores = _features(messages) @ self.weights.T + self.bias
        scores = np.asarray(scores) - np.max(scores, axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        length = int(self.config["ranking_length"]) or len(self.labels)
        for message, row in zip(messages, probs):
            order = np.argsort(-row)
            ranking = [{"name": self.labels[i], "confidence": float(row[i])} for i in order[:length]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages


FILLERS = (
    "uh", "uhm", "um", "umm", "er", "erm", "hm", "hmm", "mm", "mmm", "ah", "oh", "the", "a", "an", "and", "so",
    "well", "i", "like", "you", "it",
)
AFFIRMING_HUMS = ("mm hmm", "mmm hmm", "mm hm", "hm hm")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FillerFallback(GraphComponent, IntentClassifier):
    """Reads an utterance made only of fillers or noise words ("um", "the", "oh") as nlu_fallback, not a "yes"."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Filler words (a recogniser's usual output for a sigh or noise) and hums that do mean yes."""
        return {"fillers": list(FILLERS), "keep": list(AFFIRMING_HUMS)}

    def __init__(self, config: Dict[Text, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self.fillers, self.keep = frozenset(config["fillers"]), frozenset(config["keep"])

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FillerFallback":
        """Nothing to train or store."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Replace the intent of filler-only messages with nlu_fallback."""
        for message in messages:
            words = (message.get(TEXT) or "").lower().split()
            if words and all(w in self.fillers for w in words) and " ".join(words) not in self.keep:
                fallback = {"name": "nlu_fallback", "confidence": 1.0}
                message.set(INTENT, fallback, add_to_output=True)
                message.set("intent_ranking", [fallback, *(message.get("intent_ranking") or [])], add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityCanonicalizer(GraphComponent, EntityExtractorMixin):
    """Canonical topic/checkin/rating values; drops unmappable and duplicate entities.

    A rating only counts in an answer (`rating_intents`); there a score the extractor
    missed ("honestly a one today") is added by rule.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Intents in which a number is a rating."""
        return {"rating_intents": ["inform"]}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.rating_intents = frozenset({**self.get_default_config(), **config}["rating_intents"])

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EntityCanonicalizer":
        """Nothing to train or store."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Rewrite each message's entities in place."""
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            rating_ok = intent in self.rating_intents
            kept, seen = [], set()
            for entity in message.get(ENTITIES, []):
                name = str(entity.get("entity"))
                value = canonical_value(name, entity.get("value"))
                if value is None or (name, value) in seen or (name == "rating" and not rating_ok):
                    continue
                seen.add((name, value))
                kept.append({**entity, "value": value})
            if rating_ok and not any(name == "rating" for name, _ in seen):
                value = find_rating(message.get(TEXT) or "")
                if value is not None:
                    kept.append({"entity": "rating", "value": value, "extractor": self.__class__.__name__})
            message.set(ENTITIES, kept, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as written."""
        return training_data
