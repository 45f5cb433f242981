"""Small Rasa NLU components: a fast-loading linear intent classifier, a filler fallback, an entity canonicaliser."""

from __future__ import annotations

import functools
import json
import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
from numpy.typing import NDArray as _NDArray
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack

from assistant import paths
from assistant.topics import POINTER, lacking, named_topic, said_to_partner, theme_statement, wish_content, wishes_to_talk
from assistant.dialogue.commands import asks_gentler, is_directed, is_stop_command, normalise
from assistant.dialogue.entity_values import (
    CANONICAL, TOPICS, canonical_value, find_checkin, find_rating, named_kind, subject_of, subject_parts,
    without_talk_frame)

NDArray = _NDArray[Any]

logger = logging.getLogger(__name__)


def _fit_single_threaded(model: Any, features: Any, labels: List[str]) -> Any:
    """Fit a scikit-learn model with BLAS on one thread: these problems are small, and on a busy two-core machine
    OpenBLAS's threads wait on each other (the topic model fitted 3x faster on one thread)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        return model.fit(features, labels)


def _sentence_parts(message: Message) -> List[Any]:
    """A message's sentence-level text features: the sparse ones in featurizer order, then the dense ones."""
    found = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    return [f.features for f in found if f.is_sparse()] + [f.features for f in found if f.is_dense()]


def _features(messages: List[Message]) -> csr_matrix:
    """One row of sentence features (sparse and dense side by side) per message, stacked per featurizer."""
    rows = [_sentence_parts(m) for m in messages]
    width = len(rows[0]) if rows else 0
    if not width:
        return csr_matrix((len(rows), 0))
    if any(len(r) != width for r in rows):  # messages featurised differently: join each row on its own
        return vstack([hstack(r) for r in rows]).tocsr()
    return hstack([vstack([csr_matrix(r[i]) for r in rows]) for i in range(width)]).tocsr()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Multinomial logistic regression over sentence features, stored as plain arrays (loads in milliseconds)."""

    WEIGHTS = "weights.npz"
    LABELS = "labels.json"

    @classmethod
    def required_components(cls) -> List[Type[Any]]:
        """Needs featurizers before it."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Regularisation, solver, iterations, stopping tolerance, intents ranked, examples a feature needs."""
        return {"C": 10.0, "solver": "lbfgs", "max_iter": 300, "tol": 1e-4, "ranking_length": 10, "min_count": 1}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: Optional[NDArray] = None,
        bias: Optional[NDArray] = None,
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
            C=float(self.config["C"]), max_iter=int(self.config["max_iter"]), tol=float(self.config["tol"]),
            class_weight="balanced", solver=str(self.config["solver"]), random_state=42,
        )
        features = _features(examples)
        kept = np.flatnonzero(features.getnnz(axis=0) >= int(self.config["min_count"]))
        _fit_single_threaded(clf, features[:, kept], [str(e.get(INTENT)) for e in examples])
        weights, bias = np.zeros((clf.coef_.shape[0], features.shape[1])), clf.intercept_
        weights[:, kept] = clf.coef_  # a feature seen in too few examples keeps no weight
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
        length = int(self.config["ranking_length"]) or len(self.labels)
        for message in messages:
            features = _features([message])
            if features.shape[1] != self.weights.shape[1]:  # an empty text has no features: no intent, as Rasa's own
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
                continue
            scores = np.asarray(features @ self.weights.T + self.bias)[0]
            row = np.exp(scores - scores.max())
            row /= row.sum()
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


BARE_NUMBER = re.compile(r"(?:a )?(?:one|two|three|four|five|[1-5])")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DirectedWordingGate(GraphComponent, IntentClassifier):
    """A plain "stop" is always stop; a number said alone is an answer (inform); a state-changing intent without
    its own wording gives way to the next one; a bolder ask in words that ask for gentler ("less intense", "tone it
    down") is keep_gentle.

    "that's sweet" leaning towards stop, or "i don't know" towards retire_prompt, become the next-ranked
    intent that fits (often couple_talk), or nlu_fallback when none does.
    """

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DirectedWordingGate":
        """Nothing to train or store."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Rewrite `intent` (and put it first in `intent_ranking`) where the wording says otherwise."""
        for message in messages:
            text = message.get(TEXT) or ""
            ranking = list(message.get("intent_ranking") or [])
            top = message.get(INTENT) or {}
            if is_stop_command(text):
                chosen = {"name": "stop", "confidence": 1.0}
            elif BARE_NUMBER.fullmatch(normalise(text)) and (top.get("name") != "inform"
                                                             or float(top.get("confidence") or 0.0) < 1.0):
                chosen = {"name": "inform", "confidence": 1.0}  # "one" alone is a rating, never "one more time"
            elif top.get("name") == "request_bold" and asks_gentler(text):  # "tone it down": never a bolder ask
                chosen = {"name": "keep_gentle", "confidence": float(top.get("confidence") or 0.0)}
            elif top.get("name") and not is_directed(top["name"], text):
                left = max(1.0 - float(top.get("confidence") or 0.0), 1e-6)  # renormalise without the top intent
                others = [{"name": r["name"], "confidence": min(1.0, float(r["confidence"]) / left)}
                          for r in ranking if r.get("name") != top["name"]]
                ranking = [*others, {"name": top["name"], "confidence": 0.0}]
                chosen = next((r for r in others if is_directed(r["name"], text)),
                              {"name": "nlu_fallback", "confidence": 1.0})
            else:
                continue
            rest = [r for r in ranking if r.get("name") != chosen["name"]]
            message.set(INTENT, chosen, add_to_output=True)
            message.set("intent_ranking", [chosen, *rest], add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DistressCueGate(GraphComponent, IntentClassifier):
    """Words that make a disclosure unmistakable (assistant/care_cues.py: a distress cue, or a consent cue in a
    sentence naming intimacy) make it `disclose_distress`, whatever the classifier leaned to; a plain stop stays a
    stop. A disclosure the classifier alone found in an ordinary ask ("dying of a cold, keep it short") or an everyday
    fear or tear ("scared of the dark"), or one the word-level opinion is clearly against, gives way to the next-ranked
    intent."""

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DistressCueGate":
        """Nothing to train or store."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Put `disclose_distress` first where a cue is said, last where an ordinary ask is all there is."""
        from assistant.care import DISCLOSURE, doubted
        from assistant.care_cues import has_consent_cue, has_distress_cue

        for message in messages:
            text = message.get(TEXT) or ""
            ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != DISCLOSURE]
            if is_stop_command(text):
                continue
            if has_distress_cue(text) or has_consent_cue(text):
                chosen = {"name": DISCLOSURE, "confidence": 1.0}
                message.set("intent_ranking", [chosen, *ranking], add_to_output=True)
            elif (message.get(INTENT) or {}).get("name") == DISCLOSURE and ranking and doubted(
                    {"text": text, "care_opinion": message.get("care_opinion")}):
                left = max(1.0 - float((message.get(INTENT) or {}).get("confidence") or 0.0), 1e-6)
                ranking = [{**r, "confidence": min(1.0, float(r["confidence"]) / left)} for r in ranking]
                chosen = next((r for r in ranking if is_directed(r["name"], text)), ranking[0])
                message.set("intent_ranking", [*ranking, {"name": DISCLOSURE, "confidence": 0.0}], add_to_output=True)
            else:
                continue
            message.set(INTENT, chosen, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityCanonicalizer(GraphComponent, EntityExtractorMixin):
    """Canonical topic/checkin/rating values; drops unmappable and duplicate entities.

    A rating only counts in an answer (`rating_intents`); there a score the extractor
    missed ("honestly a one today") is added by rule. An ask the companion declines (`bare_intents`: "is it normal
    to have pain after sex", "read us a bedtime story") names no topic or check-in kind, whatever its words. A topic
    that is the name of the thing asked for (`own_topics`: "the guided mutuality talk") is no topic of it.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Intents in which a number is a rating; intents that carry no entity; topics that name their intent."""
        return {"rating_intents": ["inform"], "bare_intents": ["out_of_scope"],
                "own_topics": {"start_mutuality": ["mutuality"]}}

    def __init__(self, config: Dict[Text, Any]) -> None:
        merged = {**self.get_default_config(), **config}
        self.rating_intents = frozenset(merged["rating_intents"])
        self.bare_intents = frozenset(merged["bare_intents"])
        self.own_topics = {str(k): frozenset(v) for k, v in (merged["own_topics"] or {}).items()}

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
            for entity in [] if intent in self.bare_intents else message.get(ENTITIES, []):
                name = str(entity.get("entity"))
                value = canonical_value(name, entity.get("value"))
                if value is None or (name, value) in seen or (name == "rating" and not rating_ok):
                    continue
                if name == "topic" and value in self.own_topics.get(str(intent), ()):
                    continue  # "the mutuality conversation" names the conversation, not a topic of it
                if name == "rating" and find_rating(message.get(TEXT) or "") is None:
                    continue  # "the pleasure one", "that one": the extractor took a pronoun for a score
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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class FocusedCRFEntityExtractor(CRFEntityExtractor):
    """Rasa's CRF trained only on the intents that carry entities, stored fitted (crfsuite's own model file).

    Rasa 3.6 stores the CRF's training tokens and refits the CRF at every load; here the fitted crfsuite model is
    stored beside them and opened from memory at load (no refit, no pickle), so load time does not grow with the
    training data. A model without the fitted files (trained before) still loads Rasa's way.
    """

    ORDER_FILE = "crf_order.json"

    @staticmethod
    def _tagger_file(tag_name: str) -> str:
        """The file name of one fitted tagger."""
        return f"crf_{tag_name}.crfsuite"

    def train(self, training_data: TrainingData) -> Resource:
        """Train on the examples of intents that have at least one annotated entity."""
        intents = {e.get(INTENT) for e in training_data.entity_examples}
        focused = TrainingData(entity_synonyms=training_data.entity_synonyms)
        # set, not passed: the examples are already unique, and TrainingData's de-duplication hashes every
        # featurised message (~2 s on our data)
        focused.training_examples = [m for m in training_data.training_examples if m.get(INTENT) in intents]
        return super().train(focused)

    def persist(self, dataset: List[Any]) -> None:
        """Store the tagger order and each fitted crfsuite model (not the training tokens)."""
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / self.ORDER_FILE).write_text(json.dumps(list(self.crf_order)), encoding="utf-8")
            for tag_name, tagger in (self.entity_taggers or {}).items():
                (model_dir / self._tagger_file(tag_name)).write_bytes(Path(tagger.modelfile.name).read_bytes())

    @classmethod
    def load(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext, **kwargs: Any,
    ) -> "FocusedCRFEntityExtractor":
        """Open the fitted taggers from memory; Rasa's refit for a model that has none."""
        import pycrfsuite
        import sklearn_crfsuite

        try:
            with model_storage.read_from(resource) as model_dir:
                crf_order = json.loads((model_dir / cls.ORDER_FILE).read_text(encoding="utf-8"))
                models = {tag: (model_dir / cls._tagger_file(tag)).read_bytes() for tag in crf_order}
        except (ValueError, OSError):
            loaded = super().load(config, model_storage, resource, execution_context, **kwargs)
            assert isinstance(loaded, FocusedCRFEntityExtractor)
            return loaded
        taggers = {}
        for tag_name, data in models.items():
            crf = sklearn_crfsuite.CRF()
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(data)  # crfsuite reads the model in place: `data` is kept with the extractor
            crf._tagger = tagger
            taggers[tag_name] = crf
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = crf_order
        extractor._model_bytes = models
        return extractor


# --- sentence-level topic / check-in kind --------------------------------------------------------------------

NONE_LABEL = "none"
ELSEWHERE_PREFIX = "elsewhere:"
STATEMENT_THEME = "statement_theme"  # (label, probability) of a statement lifted to a request (not output)
PROMPTS_FILE = "prompts.yml"
# Frames a subject the library lacks is set into for training, as a request or a wish would say it.
WISH_FRAMES = ["{}", "can we talk about {}", "we need to talk about {}", "a question about {} please",
               "i'd like to talk about {}", "we want to sort out {}", "is there anything on {}", "something on {}",
               "{} can we talk about that", "we keep clashing over {} and want to talk about it",
               "we'd love a chat about {}", "have you got one about {}"]


# Words that ask for the guided conversation itself, not a starter on a subject ("walk us through the longer talk").
_GUIDED = re.compile(r"\b(?:guid\w*|conversation|session|mutuality|ten minutes?|longer|questions)\b")


# A wish's words that ask about the companion or how to begin, not for a subject: a help question stays help.
_ASKS_OF_US = re.compile(r"\byou\b|\byour\b|^(?:what|how|where|why|which|who|when)\b|^(?:get|getting) (?:started|going)\b")


def _is_topic(label: str) -> bool:
    """Whether a topic model label is one of the library's topics (not none, not a subject it lacks)."""
    return label != NONE_LABEL and not label.startswith("elsewhere:")


@functools.lru_cache(maxsize=4)
def _vectorizers(n_features: int) -> Tuple[Any, ...]:
    """Word 1-2 gram and character 2-5 gram hashers (stateless, so made once)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return (
        HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=n_features, alternate_sign=False,
                          token_pattern=r"(?u)\b\w[\w']*\b"),
        HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=n_features, alternate_sign=False),
    )


def _sentence_vectors(texts: List[str], n_features: int) -> csr_matrix:
    """Word 1-2 grams and character 2-5 grams, hashed (no stored vocabulary), each block l2-normalised."""
    lowered = [t.lower() for t in texts]
    return hstack([b.transform(lowered) for b in _vectorizers(n_features)]).tocsr()


def _softmax(scores: NDArray) -> NDArray:
    """Row-wise softmax."""
    scores = np.asarray(scores) - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores)
    result: NDArray = probs / probs.sum(axis=1, keepdims=True)
    return result


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class SentenceTopicClassifier(GraphComponent, EntityExtractorMixin):
    """The topic and check-in kind of a whole request, as `topic` / `checkin` entities with canonical values.

    Two linear models (8 topics + none, 2 kinds + none) over hashed word and character n-grams, trained on
    the annotated requests and answers, the synonym tables set into the request frames they came from, and
    the topic-tagged starters of dialogues/prompts.yml. A span the extractors already mapped is kept.
    """

    FILE = "sentence_topics.npz"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Which intents carry which entity, thresholds, feature size, the solver and where the starters are."""
        return {
            "topic_intents": ["request_prompt", "inform", "skip", "retire_prompt", "save_prompt"],
            "checkin_intents": ["start_checkin", "inform"],
            "threshold": 0.5,
            "override": 0.0,
            "n_features": 2 ** 14,
            "C": 10.0,
            "tol": 1e-3,
            "solver": "lbfgs",
            "prompts": None,
            "max_frames": 40,
            "part_threshold": 0.5,
            "subject_intents": ["request_prompt", "inform", "skip", "retire_prompt", "save_prompt"],
            "named_intents": ["inform", "skip", "retire_prompt", "save_prompt"],
            "no_subject_threshold": 0.8,
            "answer_threshold": None,
            "elsewhere": True,
            "wish_intents": ["couple_talk", "inform", "take_turns", "disclose_distress", "help", "start_mutuality"],
            "wish_threshold": 0.5,
            "wish_floor": 0.2,
            "wish_margin": 1.5,
            # a statement about themselves naming a theme ("we never seem to want it at the same time"), read as talk
            "statement_intents": ["couple_talk", "inform", "nlu_fallback"],
            "statement_threshold": 0.5,
            "statement_elsewhere_threshold": 0.3,
            "elsewhere_threshold": 0.5,
            "lacking_words_max": 10,  # a longer description names things in passing ("the restaurant, the holiday")
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 models: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.models: Dict[str, Any] = models or {}

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceTopicClassifier":
        """A new, untrained classifier."""
        return cls(config, model_storage, resource)

    def _labelled(self, training_data: TrainingData, entity: str, intents: List[str]) -> List[Tuple[str, str]]:
        """(text, label) pairs: each example, and each synonym set into the frame its example's span left."""
        synonyms = training_data.entity_synonyms
        pairs: List[Tuple[str, str]] = []
        frames: List[str] = []
        for example in training_data.intent_examples:
            if example.get(INTENT) not in intents or not example.get(TEXT):
                continue
            text = example.get(TEXT)
            found = [e for e in example.get(ENTITIES, []) if e.get("entity") == entity]
            values = [canonical_value(entity, synonyms.get(str(e.get("value")), e.get("value"))) for e in found]
            label = next((v for v in values if v), NONE_LABEL)
            pairs.append((text, label))
            if found and "start" in found[0] and label != NONE_LABEL:
                frames.append(text[: found[0]["start"]] + "{}" + text[found[0]["end"]:])
        phrases = [(surface, canonical_value(entity, value)) for surface, value in synonyms.items()]
        phrases += [(value, value) for value in CANONICAL[entity]]
        phrases = [(s, v) for s, v in phrases if v]  # canonical_value() gives None for an unknown value
        frames = sorted(set(frames))[: int(self.config["max_frames"])] or ["{}"]
        for i, (surface, value) in enumerate(sorted(phrases)):
            pairs.append((str(surface), str(value)))
            for frame in (frames[i % len(frames)], frames[(i * 7 + 3) % len(frames)]):
                pairs.append((frame.format(str(surface).replace("_", " ")), str(value)))
        return pairs

    def _starters(self) -> List[Tuple[str, str]]:
        """The built-in conversation starters, labelled with their topics."""
        import yaml

        path = self.config["prompts"]
        path = Path(path) if path else paths.DIALOGUES_DIR / PROMPTS_FILE
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            logger.warning(f"SentenceTopicClassifier: cannot read starters from {path} ({err})")
            return []
        return [(str(p["text"]), str(p["topic"])) for p in data.get("prompts") or []
                if isinstance(p, dict) and p.get("topic") in TOPICS and p.get("text")]

    def _fit(self, pairs: List[Tuple[str, str]]) -> Dict[str, NDArray]:
        """Fit one linear model (logistic regression, or complement naive Bayes); weights as float32 arrays."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.naive_bayes import ComplementNB

        texts, labels = zip(*pairs)
        vectors = _sentence_vectors(list(texts), int(self.config["n_features"]))
        if self.config.get("model") == "nb":
            nb = ComplementNB(alpha=float(self.config.get("alpha", 0.3))).fit(vectors, list(labels))
            weights, bias, classes = nb.feature_log_prob_, np.zeros(len(nb.classes_)), nb.classes_
        else:
            clf = LogisticRegression(C=float(self.config["C"]), max_iter=300, class_weight="balanced",
                                     random_state=42, tol=float(self.config["tol"]), solver=str(self.config["solver"]))
            _fit_single_threaded(clf, vectors, list(labels))
            weights, bias, classes = clf.coef_, clf.intercept_, clf.classes_
        return {"weights": weights.astype(np.float32), "bias": bias.astype(np.float32),
                "labels": np.array([str(c) for c in classes])}

    def _elsewhere(self, pairs: List[Tuple[str, str]], frames: List[str]) -> List[Tuple[str, str]]:
        """Subjects the library lacks (dialogues/elsewhere.yml), each its own class "elsewhere:<name>", on their own and
        set into request frames; a request of ours that named one and carried no topic is relabelled to it."""
        from assistant import topics

        if not self.config["elsewhere"]:
            return pairs
        subjects = topics.elsewhere_subjects()
        pairs = [(text, label) for text, label in pairs]
        frames = frames or ["{}"]
        extra: List[Tuple[str, str]] = []
        for name, item in sorted(subjects.items()):
            for i, phrase in enumerate(item["phrasings"]):
                label = topics.ELSEWHERE + name
                extra.append((phrase, label))
                extra.append((frames[(i * 5 + len(name)) % len(frames)].format(phrase), label))
        return pairs + extra

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the topic model (with the starters and the subjects the library lacks) and the check-in kind model."""
        topic_pairs = self._labelled(training_data, "topic", list(self.config["topic_intents"])) + self._starters()
        topic_pairs = self._elsewhere(topic_pairs, WISH_FRAMES)
        checkin_pairs = self._labelled(training_data, "checkin", list(self.config["checkin_intents"]))
        arrays: Dict[str, NDArray] = {}
        for entity, pairs in (("topic", topic_pairs), ("checkin", checkin_pairs)):
            if len({label for _, label in pairs}) < 2:
                continue
            model = self._fit(pairs)
            self.models[entity] = model
            arrays.update({f"{entity}_{key}": value for key, value in model.items()})
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / self.FILE, **arrays)
        return self._resource

    @classmethod
    def load(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext, **kwargs: Any,
    ) -> "SentenceTopicClassifier":
        """Read the arrays back (no pickle); an untrained classifier adds nothing."""
        models: Dict[str, Any] = {}
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / cls.FILE, allow_pickle=False) as arrays:
                    for entity in ("topic", "checkin"):
                        if f"{entity}_labels" in arrays:
                            models[entity] = {k: arrays[f"{entity}_{k}"] for k in ("weights", "bias", "labels")}
        except (ValueError, OSError) as err:
            logger.debug(f"SentenceTopicClassifier has no trained weights ({err}).")
        return cls(config, model_storage, resource, models)

    def predict(self, text: str) -> Dict[str, Tuple[str, float]]:
        """The most likely label and its probability for each entity model."""
        if not self.models:
            return {}
        vector = _sentence_vectors([text], int(self.config["n_features"]))
        best = {}
        for entity, model in self.models.items():
            probs = _softmax(vector @ model["weights"].T + model["bias"])[0]
            i = int(np.argmax(probs))
            best[entity] = (str(model["labels"][i]), float(probs[i]))
        return best

    def wished_topic(self, content: str) -> Tuple[str, float]:
        """The topic (or lacking subject) of what a wish names ("we keep bottling things up"): said as a wish to talk,
        it is about something, so the best label besides none stands when it is clearly ahead of the next one."""
        model = self.models.get("topic")
        if model is None:
            return NONE_LABEL, 0.0
        probs = _softmax(_sentence_vectors([content], int(self.config["n_features"])) @ model["weights"].T
                         + model["bias"])[0]
        ranked = [(str(model["labels"][i]), float(probs[i])) for i in np.argsort(-probs)
                  if str(model["labels"][i]) != NONE_LABEL]
        (label, prob), runner_up = ranked[0], ranked[1][1] if len(ranked) > 1 else 0.0
        if prob >= float(self.config["wish_floor"]) and prob >= float(self.config["wish_margin"]) * runner_up:
            return label, prob
        return NONE_LABEL, 0.0

    def _part_topics(self, text: str) -> List[Tuple[str, float]]:
        """One confident topic per part of a subject joined by "and" ("fairness and who decides"), else none."""
        parts = subject_parts(text)
        if len(parts) < 2:
            return []
        guesses = [self.predict(part).get("topic", (NONE_LABEL, 0.0)) for part in parts]
        floor = float(self.config["part_threshold"])
        if any(not _is_topic(label) or prob < floor for label, prob in guesses):
            return []
        found: Dict[str, float] = {}
        for label, prob in guesses:
            found[label] = max(prob, found.get(label, 0.0))
        return list(found.items()) if len(found) > 1 else []

    def _guess(self, name: str, intent: str, text: str, guesses: Dict[str, Tuple[str, float]]) -> Tuple[str, float]:
        """The sentence-level label for entity `name`, or none.

        A topic comes from what the request says it is about ("... about who decides"), or from the words naming
        the prompt meant ("that fantasy one"), else from the whole sentence when the model is sure; a check-in
        kind from the model, else from its cue words ("we just made love").
        """
        threshold = float(self.config["threshold"])
        label, prob = guesses.get(name, (NONE_LABEL, 0.0))
        if name == "checkin":
            if (label == NONE_LABEL or prob < threshold) and intent == "start_checkin":
                kind = find_checkin(text)
                return (kind, 1.0) if kind else (NONE_LABEL, 0.0)
            if intent == "inform" and find_checkin(text) is None:
                return (NONE_LABEL, 0.0)  # an answer names a check-in kind only in its words ("just a one" names none)
            return (label, prob) if prob >= threshold else (NONE_LABEL, 0.0)
        frame_left = without_talk_frame(text) if intent != "inform" else None
        if frame_left is not None:  # "what should we talk about": the talk is the ask, the words before may name one
            label, prob = self.predict(frame_left).get(name, (NONE_LABEL, 0.0)) if frame_left else (NONE_LABEL, 0.0)
        subject = subject_of(text) if intent in self.config["subject_intents"] else None
        wished = wish_content(text) if intent == "request_prompt" else None
        if wished and (subject is None or POINTER.match(subject) or wished.endswith(subject)):
            subject = wished  # "X, can we talk about that": X; "i'd like us to be open about Y": all of it
        subject = subject or (named_kind(text) if intent in self.config["named_intents"] else None)
        if subject is None and intent != "inform":
            sure = intent in self.config["subject_intents"] and prob >= float(self.config["no_subject_threshold"])
            return (label, prob) if sure and label != NONE_LABEL else (NONE_LABEL, 0.0)
        if subject is None and self.config["answer_threshold"] is not None:  # an answer that names no subject
            threshold = max(threshold, float(self.config["answer_threshold"]))
        if subject is not None and subject != text.lower():  # the frame ("give us one about") says nothing of it
            label, prob = max((label, prob), self.predict(subject).get(name, (NONE_LABEL, 0.0)),
                              key=lambda guess: (guess[0] != NONE_LABEL, guess[1]))
        named = named_topic(subject) if subject and intent == "request_prompt" else None
        if named and (not _is_topic(label) or prob < threshold):  # the model unsure: the subject's own words
            label, prob = named, threshold
        if subject is not None and subject == wished and (label == NONE_LABEL or prob < threshold):
            label, prob = self.wished_topic(subject)
            prob = max(prob, threshold) if label != NONE_LABEL else prob
        return (label, prob) if prob >= threshold else (NONE_LABEL, 0.0)

    def _bare_checkin(self, message: Message) -> bool:
        """A check-in kind said on its own ("end of day", "the after sex one") is an answer naming it, whatever the
        classifier made of so few words; True when it was."""
        from assistant.dialogue.entity_values import bare_checkin

        kind = bare_checkin(message.get(TEXT) or "")
        intent = message.get(INTENT) or {}
        if kind is None or intent.get("name") == "start_checkin":
            return False
        if intent.get("name") != "inform":
            chosen = {"name": "inform", "confidence": max(0.5, float(intent.get("confidence") or 0.0))}
            ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "inform"]
            message.set(INTENT, chosen, add_to_output=True)
            message.set("intent_ranking", [chosen, *ranking], add_to_output=True)
        entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != "checkin"]
        entities.append({"entity": "checkin", "value": kind, "confidence_entity": 1.0,
                         "extractor": self.__class__.__name__})
        message.set(ENTITIES, entities, add_to_output=True)
        return True

    def _lift_wish(self, message: Message) -> None:
        """A wish to talk about something of ours, or about a subject the library lacks ("we keep bottling things up,
        can we talk about that", "i want us to say thank you more"), read as talk, an answer, a wish for turns or a
        disclosure without any distress cue, is a request for a starter on it."""
        from assistant.care_cues import has_consent_cue, has_distress_cue

        intent = message.get(INTENT) or {}
        text = message.get(TEXT) or ""
        if intent.get("name") not in self.config["wish_intents"] or "topic" not in self.models:
            return
        content = wish_content(text)
        if content is None and intent.get("name") in self.config["statement_intents"] and theme_statement(text):
            self._lift_statement(message, text)
            return
        if not content or has_distress_cue(text) or has_consent_cue(text) or is_stop_command(text):
            return
        if intent.get("name") == "disclose_distress" and not wishes_to_talk(text):
            return  # "i just want to feel safe": a wish for something itself stays a disclosure
        if intent.get("name") == "help" and _ASKS_OF_US.search(content):
            return  # "what kinds of things can you help with", "how do we get started": help itself
        if intent.get("name") == "start_mutuality" and _GUIDED.search(text.lower()):
            return  # "i'd like us to do the guided conversation": the guided conversation itself
        label, prob = self.predict(content)["topic"]
        if (label == NONE_LABEL or prob < float(self.config["wish_threshold"])) and len(content.split()) >= 3:
            label, prob = self.wished_topic(content)  # a situation described ("we keep bottling things up")
        elif prob < float(self.config["wish_threshold"]):
            label = NONE_LABEL
        if label == NONE_LABEL:
            label = self._named_theme(content) or NONE_LABEL  # the model unsure: its own words ("orgasms")
        if label == NONE_LABEL:
            return
        chosen = {"name": "request_prompt", "confidence": max(prob, float(intent.get("confidence") or 0.0))}
        ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "request_prompt"]
        message.set(INTENT, chosen, add_to_output=True)
        message.set("intent_ranking", [chosen, *ranking], add_to_output=True)
        # a rating only counts in an answer: "one on body image" read as one first is a request, not a score of 1
        message.set(ENTITIES, [e for e in message.get(ENTITIES, []) if e.get("entity") != "rating"], add_to_output=True)

    def _named_theme(self, content: str) -> Optional[str]:
        """The topic, or "elsewhere:<class>", that a short subject's own words name ("orgasms", "the kids"), else None."""
        if len(content.split()) > int(self.config["lacking_words_max"]):
            return None
        name = lacking(content)
        return named_topic(content) or (ELSEWHERE_PREFIX + name if name else None)

    def _lift_statement(self, message: Message, text: str) -> None:
        """A statement about themselves that the topic model clearly places on a theme ("we keep missing each other's
        signals": initiation), or on a subject the library lacks, is a wish to talk about it: a request. Said in a
        window between the two of them, the addressee gate keeps it unheard all the same."""
        if any(e.get("entity") in ("rating", "checkin") for e in message.get(ENTITIES, [])):
            return  # an answer with a rating or naming a check-in kind stays an answer
        theme = self._theme_of_statement(text)
        if theme is None:
            return
        chosen = {"name": "request_prompt",
                  "confidence": max(theme[1], float((message.get(INTENT) or {}).get("confidence") or 0.0))}
        ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "request_prompt"]
        message.set(INTENT, chosen, add_to_output=True)
        message.set("intent_ranking", [chosen, *ranking], add_to_output=True)
        message.set(STATEMENT_THEME, theme)

    def _theme_of_statement(self, text: str) -> Optional[Tuple[str, float]]:
        """The theme (a topic, or "elsewhere:<subject>") a statement about themselves is clearly about, else None; never
        for words with a distress or consent cue (those are the care path's)."""
        from assistant.care_cues import has_consent_cue, has_distress_cue

        if "topic" not in self.models or has_distress_cue(text) or has_consent_cue(text) or is_stop_command(text):
            return None
        label, prob = self.predict(text)["topic"]
        if label != NONE_LABEL and prob >= float(self.config["statement_threshold"]):
            return label, prob
        if label.startswith(ELSEWHERE_PREFIX) and prob >= float(self.config["statement_elsewhere_threshold"]):
            return label, prob  # a subject the library lacks, less sure: it is only said kindly, with the nearest
        label, prob = self.wished_topic(text)  # said to the companion it is about something: read as a wish's words
        return (label, prob) if label != NONE_LABEL else None

    def _statement_theme(self, message: Message, entities: List[Dict[str, Any]]) -> bool:
        """A request said as a statement about themselves (lifted, or read so by the classifier): mark the theme it is
        about, a subject the library lacks or the topic (unless words of ours named one). Whether it was one."""
        text = message.get(TEXT) or ""
        theme = message.get(STATEMENT_THEME) or (self._theme_of_statement(text) if theme_statement(text) else None)
        if not theme:
            return False
        label, prob = theme
        ours = [e for e in entities if e.get("entity") == "topic" and e.get("extractor") == "RegexEntityExtractor"]
        entities = [e for e in entities if e.get("entity") != "topic"]
        if label.startswith(ELSEWHERE_PREFIX) and not ours:
            message.set("elsewhere", label.split(":", 1)[1], add_to_output=True)
        else:
            entities += ours or [{"entity": "topic", "value": label, "confidence_entity": prob,
                                  "extractor": self.__class__.__name__}]
        message.set(ENTITIES, entities, add_to_output=True)
        return True

    def _drop_partner_talk(self, message: Message) -> None:
        """A "request" said to the partner ("i love it when you reach for me first"), asking for no question and naming
        no topic in words of ours, gives way to the next-ranked intent (usually couple talk)."""
        intent = message.get(INTENT) or {}
        text = message.get(TEXT) or ""
        if intent.get("name") != "request_prompt" or not said_to_partner(text) or any(
                e.get("entity") == "topic" and e.get("extractor") == "RegexEntityExtractor"
                for e in message.get(ENTITIES, [])):
            return
        left = max(1.0 - float(intent.get("confidence") or 0.0), 1e-6)
        others = [{"name": r["name"], "confidence": min(1.0, float(r["confidence"]) / left)}
                  for r in message.get("intent_ranking") or [] if r.get("name") != "request_prompt"]
        chosen = others[0] if others else {"name": "couple_talk", "confidence": 1.0}
        message.set(INTENT, chosen, add_to_output=True)
        message.set("intent_ranking", [*others, {"name": "request_prompt", "confidence": 0.0}], add_to_output=True)

    def _lacking(self, text: str, entities: List[Dict[str, Any]]) -> Optional[str]:
        """The subject the library lacks that a request asks for ("we need to sort out who does the washing up"), or
        None: a topic named in words of ours (the lookup tables) always stands."""
        if not self.config["elsewhere"] or any(e.get("entity") == "topic" and e.get("extractor") == "RegexEntityExtractor"
                                               for e in entities):
            return None
        subject = subject_of(text)
        wished = wish_content(text)
        if wished and (subject is None or POINTER.match(subject) or wished.endswith(subject)):
            subject = wished
        threshold = float(self.config["elsewhere_threshold"])
        for part, floor in [(p, f) for p, f in ((subject, threshold), (text, threshold + 0.2)) if p]:
            label, prob = self.predict(part).get("topic", (NONE_LABEL, 0.0))
            if label.startswith("elsewhere:") and prob >= floor:
                return label.split(":", 1)[1]
            if _is_topic(label) and prob >= threshold:
                return None
            short = part == subject and len(part.split()) <= int(self.config["lacking_words_max"])
            named = lacking(part) if short else None
            if named:
                return named  # the model unsure of a short subject: its own words ("the bills")
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        """Add a topic / check-in kind the spans did not give, when the sentence is about one; a wish to talk about
        one is a request; a request for a subject the library lacks is marked `elsewhere` with its name."""
        wanted = {"topic": frozenset(self.config["topic_intents"]),
                  "checkin": frozenset(self.config["checkin_intents"])}
        override = float(self.config["override"])
        for message in messages:
            if self._bare_checkin(message):
                continue
            self._lift_wish(message)
            self._drop_partner_talk(message)
            intent = (message.get(INTENT) or {}).get("name")
            entities = list(message.get(ENTITIES, []))
            if intent == "request_prompt" and self._statement_theme(message, entities):
                continue
            if intent == "request_prompt":
                lacks = self._lacking(message.get(TEXT) or "", entities)
                if lacks:
                    message.set("elsewhere", lacks, add_to_output=True)
                    message.set(ENTITIES, [e for e in entities if e.get("entity") != "topic"], add_to_output=True)
                    continue
            names = [name for name, intents in wanted.items() if intent in intents]
            if not names:
                continue
            text = message.get(TEXT) or ""
            guesses = self.predict(text)
            for name in names:
                parts = self._part_topics(text) if name == "topic" and intent == "request_prompt" else []
                if parts:
                    entities = [e for e in entities if e.get("entity") != name]
                    entities += [{"entity": name, "value": label, "confidence_entity": prob,
                                  "extractor": self.__class__.__name__} for label, prob in parts]
                    continue
                if name == "checkin" and intent == "inform" and any(e.get("entity") == "topic" for e in entities):
                    continue  # an answer naming a starter's topic ("talking about sex") names no check-in kind
                label, prob = self._guess(name, str(intent), text, guesses)
                have = [e for e in entities if e.get("entity") == name]
                if not _is_topic(label) or (have and not (override and prob >= override)):
                    continue
                entities = [e for e in entities if e.get("entity") != name]
                entities.append({"entity": name, "value": label, "confidence_entity": prob,
                                 "extractor": self.__class__.__name__})
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as written."""
        return training_data
