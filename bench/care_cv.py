"""Out-of-fold care scores on the training data itself, for choosing the answer path's thresholds on data that is no
dev set: the intent classifier and the word opinion refitted per fold with scikit-learn as the pipeline fits them
(word 1-2 grams and char_wb 2-5 grams counts, multinomial logistic regression C=10 balanced; the opinion's TF-IDF of
words and word pairs, C=3), each example scored by the models of the folds it was left out of.

Prints, for the disclosures against the ordinary answers (`inform`), how many of each the answer rule
(assistant/care.py: ANSWER_CONFIDENCE, OPINION_FLOOR) takes over a grid of its two thresholds; --json writes each
example's scores (with "top": whether the disclosure was the classifier's first intent).

    .venv/bin/python bench/care_cv.py [--folds 5] [--json OUT.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISCLOSURE = "disclose_distress"


def examples() -> List[Tuple[str, str]]:
    """(text, intent) of every training example in nlu/, entity marks taken out."""
    import re

    found: List[Tuple[str, str]] = []
    for path in sorted((ROOT / "nlu").glob("*.yml")):
        if path.name == "config.yml":
            continue
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = re.sub(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))", r"\1", line[2:])
                    found.append((text, str(block["intent"])))
    return found


def out_of_fold(data: List[Tuple[str, str]], folds: int) -> List[Dict[str, Any]]:
    """Each example's disclosure probability from the classifier and the opinion, fitted without its fold."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from assistant.dialogue.care_opinion import terms

    texts = [t for t, _ in data]
    labels = [i for _, i in data]
    p_care, opinion, p_top = np.zeros(len(data)), np.zeros(len(data)), np.zeros(len(data))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=7).split(texts, labels):
        words = CountVectorizer(ngram_range=(1, 2), token_pattern=r"\S+")
        chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5))
        tr = [texts[i] for i in train]
        te = [texts[i] for i in test]
        x_tr = hstack([words.fit_transform(tr), chars.fit_transform(tr)]).tocsr()
        x_te = hstack([words.transform(te), chars.transform(te)]).tocsr()
        clf = LogisticRegression(C=10, class_weight="balanced", solver="newton-cg", tol=1e-3, max_iter=150)
        clf.fit(x_tr, [labels[i] for i in train])
        column = list(clf.classes_).index(DISCLOSURE)
        probs = clf.predict_proba(x_te)
        p_care[test] = probs[:, column]
        p_top[test] = np.where(probs.argmax(axis=1) == column, 1.0, 0.0)
        vec = TfidfVectorizer(analyzer=terms, sublinear_tf=True)
        opi = LogisticRegression(C=3, class_weight="balanced", max_iter=1000)
        opi.fit(vec.fit_transform(tr), [int(labels[i] == DISCLOSURE) for i in train])
        opinion[test] = opi.predict_proba(vec.transform(te))[:, 1]
    return [{"text": t, "intent": i, "p_care": round(float(p), 4), "opinion": round(float(o), 4), "top": bool(k)}
            for (t, i), p, o, k in zip(data, p_care, opinion, p_top)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = out_of_fold(examples(), args.folds)
    if args.json:
        args.json.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    told = [r for r in rows if r["intent"] == DISCLOSURE]
    answers = [r for r in rows if r["intent"] == "inform"]
    print(f"{len(told)} disclosures, {len(answers)} ordinary answers (out of fold); the answer rule: the classifier's "
          f"top intent, at least CONFIDENCE, and the opinion at least FLOOR")
    for confidence in (0.6, 0.65, 0.7):
        for floor in (0.45, 0.5, 0.55, 0.6):
            taken = [[r["top"] and r["p_care"] >= confidence and r["opinion"] >= floor for r in part]
                     for part in (told, answers)]
            print(f"CONFIDENCE {confidence:.2f} FLOOR {floor:.2f}: recall {np.mean(taken[0]):.3f}, "
                  f"ordinary answers taken {np.mean(taken[1]):.3f}")

if __name__ == "__main__":
    main()
