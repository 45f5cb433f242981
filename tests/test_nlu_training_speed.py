"""What makes training fast keeps the model the same: features stacked per featurizer, rare features left unfitted,
Newton-CG's optimum equal to L-BFGS's, the CRF's examples not de-duplicated again, Rasa's training cache skipped
only inside the version-checked patches."""

from __future__ import annotations

from typing import Any, List

import numpy as np
import pytest
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack


def _message(text: str, seed: int) -> Any:
    """A Rasa message with sentence and sequence features from two sparse featurizers and one dense one."""
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    rng = np.random.default_rng(seed)
    message = Message(data={"text": text, "intent": "greet"})
    for origin, width in (("words", 7), ("chars", 11)):
        row = coo_matrix(rng.integers(0, 3, size=(1, width)).astype(float))
        message.add_features(Features(coo_matrix(rng.random((2, width))), "sequence", "text", origin))
        message.add_features(Features(row, "sentence", "text", origin))
    message.add_features(Features(rng.random((1, 4)), "sentence", "text", "dense"))
    return message


def _rasa_rows(messages: List[Any]) -> csr_matrix:
    """The same rows the slow way: Rasa's own combination of each message's features."""
    rows = []
    for message in messages:
        _, sparse = message.get_sparse_features("text")
        _, dense = message.get_dense_features("text")
        rows.append(hstack([csr_matrix(sparse.features), csr_matrix(dense.features)]))
    return vstack(rows).tocsr()


def test_features_are_rasa_s_sentence_features_side_by_side() -> None:
    from assistant.dialogue.nlu_components import _features

    messages = [_message(f"line {i}", i) for i in range(9)]
    ours, theirs = _features(messages), _rasa_rows(messages)
    assert ours.shape == theirs.shape == (9, 7 + 11 + 4)
    assert (ours != theirs).nnz == 0


def test_a_feature_seen_in_too_few_examples_gets_no_weight(tmp_path) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from assistant.dialogue.nlu_components import LinearIntentClassifier, _features

    messages = []
    for i in range(12):
        message = _message(f"line {i}", i)
        message.set("intent", "greet" if i % 2 else "goodbye")
        messages.append(message)
    features = _features(messages)
    rare = np.flatnonzero(features.getnnz(axis=0) < 8)
    assert rare.size and rare.size < features.shape[1]
    storage = LocalModelStorage(tmp_path)
    clf = LinearIntentClassifier({"min_count": 8, "max_iter": 50}, storage, Resource("intents"))
    clf.train(TrainingData(messages))
    assert clf.weights is not None and clf.weights.shape == (2, features.shape[1])
    assert not clf.weights[:, rare].any() and clf.weights.any()
    assert clf.process([_message("new", 99)])[0].get("intent")["name"] in {"greet", "goodbye"}
    from rasa.shared.nlu.training_data.message import Message

    empty, known = clf.process([Message(data={"text": ""}), _message("new", 98)])  # no words: no features
    assert empty.get("intent") == {"name": None, "confidence": 0.0} and empty.get("intent_ranking") == []
    assert known.get("intent")["name"] in {"greet", "goodbye"}


def test_training_skips_the_cache_fingerprints_and_restores_them() -> None:
    from rasa.engine.training.hooks import TrainingHook

    from assistant.dialogue import patches

    before = (TrainingHook.on_before_node, TrainingHook.on_after_node)
    with patches.training() as lean:
        assert lean
        assert TrainingHook.on_before_node is not before[0] and TrainingHook.on_after_node is not before[1]
        assert TrainingHook.on_before_node(None, "node", None, {}, {}) == {}
    assert (TrainingHook.on_before_node, TrainingHook.on_after_node) == before


def test_training_reads_the_nlu_data_once_however_rasa_asks() -> None:
    from rasa.shared.importers.importer import E2EImporter, TrainingDataImporter

    from assistant.dialogue import patches, training

    plain = E2EImporter.__dict__["get_nlu_data"]
    with patches.training():
        data = TrainingDataImporter.load_from_config(
            str(training.CONFIG_FILE), str(training.DOMAIN_FILE), [str(p) for p in training.training_files()])
        first = data.get_nlu_data()
        assert data.get_nlu_data(language="en") is first and data.get_nlu_data("en") is first
        assert first.intent_examples and data.get_domain().intents
    assert E2EImporter.__dict__["get_nlu_data"] is plain


def test_another_rasa_version_trains_with_rasa_s_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.engine.training.hooks import TrainingHook

    from assistant.dialogue import patches

    monkeypatch.setitem(patches._state, "installed", None)
    monkeypatch.setattr(patches, "rasa_version", lambda: "9.9.9")
    before = TrainingHook.on_after_node
    with patches.training() as lean:
        assert not lean and TrainingHook.on_after_node is before


def test_newton_cg_reaches_the_same_classifier_as_a_converged_lbfgs(tmp_path) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from assistant.dialogue.nlu_components import LinearIntentClassifier

    messages = []
    for i in range(30):
        message = _message(f"line {i}", i)
        message.set("intent", ("greet", "goodbye", "thanks")[i % 3])
        messages.append(message)
    storage = LocalModelStorage(tmp_path)
    fitted = {}
    for solver in ("lbfgs", "newton-cg"):
        clf = LinearIntentClassifier({"solver": solver, "C": 1.0, "tol": 1e-8, "max_iter": 5000}, storage,
                                     Resource(f"intents-{solver}"))
        clf.train(TrainingData(messages))
        fitted[solver] = clf
    assert fitted["lbfgs"].labels == fitted["newton-cg"].labels
    assert np.allclose(fitted["lbfgs"].weights, fitted["newton-cg"].weights, atol=1e-3)


def test_the_crf_trains_on_the_entity_intents_without_copying_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from assistant.dialogue.nlu_components import FocusedCRFEntityExtractor

    seen: List[Any] = []
    monkeypatch.setattr(CRFEntityExtractor, "train", lambda self, data: seen.append(data) or "resource")
    entity = Message(data={"text": "about desire", "intent": "request_prompt",
                           "entities": [{"start": 6, "end": 12, "value": "desire", "entity": "topic"}]})
    plain_same_intent = Message(data={"text": "another one", "intent": "request_prompt"})
    other = Message(data={"text": "hello", "intent": "greet"})
    data = TrainingData([entity, plain_same_intent, other], entity_synonyms={"wanting": "desire"})
    assert FocusedCRFEntityExtractor.train(object.__new__(FocusedCRFEntityExtractor), data) == "resource"
    (focused,) = seen
    assert focused.training_examples == [entity, plain_same_intent]
    assert focused.training_examples[0] is entity and focused.entity_synonyms == {"wanting": "desire"}
    assert focused.entity_examples == [entity]
