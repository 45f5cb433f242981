"""A second opinion on disclosures: logistic regression over whole words and word pairs only (TF-IDF), beside the
intent classifier that also reads character n-grams. It sets `care_opinion` (0..1) on each message; an answer the
classifier alone calls a disclosure needs this opinion too (assistant/care.py), since character n-grams carry a
disclosure's look onto ordinary answers ("he passed his driving test!", "help with the school forms")."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any, Dict, List, Optional, Text

import numpy as np
from numpy.typing import NDArray
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

OPINION = "care_opinion"
_WORD = re.compile(r"[a-z']+")
# Words that say who and how but not what: alone they are no evidence. The training data tells disclosures in the
# first person far more often than anything else the companion hears (requests say "we" and "us"), so "i", "i'm"
# and "to" had become the opinion's strongest signs of a disclosure ("I need to get that report done or I'm
# toast" scored 0.86). They count only beside a word of content, in a pair ("i'm not" and "to get" go too).
FUNCTION_WORDS = frozenset("""
i i'm i've i'd i'll me my mine myself you you're you've your yours we we're we've us our he he's him his she she's
her hers they they're they've them their it it's its this that these those a an the and or but so if then than as
at by for from in into of on onto to with about up out over just really very quite bit
is are was were be been being am do does did have has had get got will would can could shall should may might must
""".split())


def terms(text: str) -> List[str]:
    """The words of `text` (as the care cues read them), each pair of neighbours, and the themes it is told in
    (assistant/care_themes.py), alone and two by two ("crying" and "hiding" together weigh apart from either)."""
    from assistant.care_cues import words_of
    from assistant.care_themes import themes

    said = words_of(text)
    words = _WORD.findall(said)
    found = themes(said)
    both = [f"{a}{b}" for i, a in enumerate(found) for b in found[i + 1:]]
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:]) if a not in FUNCTION_WORDS or b not in FUNCTION_WORDS]
    return [w for w in words if w not in FUNCTION_WORDS] + pairs + found + both


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CareOpinion(GraphComponent, IntentClassifier):
    """Disclosure or not, from words alone; stored as plain arrays and a JSON vocabulary."""

    WEIGHTS = "care_opinion.npz"
    VOCABULARY = "care_opinion_vocabulary.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Regularisation; the intent it gives an opinion on."""
        return {"C": 3.0, "intent": "disclose_distress"}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 vocabulary: Optional[Dict[str, int]] = None, idf: Optional[NDArray[Any]] = None,
                 weights: Optional[NDArray[Any]] = None, bias: float = 0.0) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.vocabulary, self.idf, self.weights, self.bias = vocabulary or {}, idf, weights, bias

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CareOpinion":
        """A new, untrained opinion."""
        return cls(config, model_storage, resource)

    def _vector(self, text: str) -> NDArray[Any]:
        """Sublinear term frequency times idf, unit length, over the known terms of `text`."""
        assert self.idf is not None
        row = np.zeros(len(self.vocabulary))
        for term, count in Counter(terms(text)).items():
            index = self.vocabulary.get(term)
            if index is not None:
                row[index] = (1.0 + math.log(count)) * self.idf[index]
        norm = float(np.linalg.norm(row))
        return row / norm if norm else row

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example with an intent: the one intent against all the others, classes balanced."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [int(e.get(INTENT) == self.config["intent"]) for e in examples]
        if len(set(labels)) < 2:
            return self._resource
        vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True)
        features = vectorizer.fit_transform([str(e.get(TEXT)) for e in examples])
        model = LogisticRegression(C=float(self.config["C"]), class_weight="balanced", max_iter=1000)
        model.fit(features, labels)
        self.vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        self.idf, self.weights, self.bias = vectorizer.idf_, model.coef_[0], float(model.intercept_[0])
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / self.WEIGHTS, idf=self.idf, weights=self.weights, bias=np.array([self.bias]))
            (model_dir / self.VOCABULARY).write_text(json.dumps(self.vocabulary), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "CareOpinion":
        """Read the arrays and vocabulary back (no pickle); without them, no opinion is given."""
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / cls.WEIGHTS, allow_pickle=False) as arrays:
                    idf, weights, bias = arrays["idf"], arrays["weights"], float(arrays["bias"][0])
                vocabulary = json.loads((model_dir / cls.VOCABULARY).read_text(encoding="utf-8"))
        except (ValueError, OSError):
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, vocabulary, idf, weights, bias)

    def process(self, messages: List[Message]) -> List[Message]:
        """Set `care_opinion` on each message (none where untrained)."""
        if self.weights is None:
            return messages
        for message in messages:
            score = float(self._vector(str(message.get(TEXT) or "")) @ self.weights) + self.bias
            message.set(OPINION, round(1.0 / (1.0 + math.exp(-score)), 4), add_to_output=True)
        return messages
