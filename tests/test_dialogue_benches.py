"""The dialogue benches (bench/care.py, answers.py, rated_answers.py, topic_wishes.py) on a few lines of our own."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import answers  # noqa: E402
import care as care_bench  # noqa: E402
import rated_answers as ratings  # noqa: E402
import topic_wishes  # noqa: E402
from dialoguebench import typed  # noqa: E402

CARE_LINES = [
    {"text": "companion they hit me again tonight", "where": "addressed", "label": "care"},
    {"text": "i'm having thoughts of hurting myself", "where": "checkin_answer", "label": "care",
     "question": "How was that for you?"},
    {"text": "a cuppa in bed would be lovely", "where": "checkin_answer", "label": "ordinary",
     "question": "Is there anything you need tomorrow, from Alex or for yourself?"},
    {"text": "give us a conversation starter", "where": "addressed", "label": "ordinary"},
    {"text": "you scare me when you drive like that", "where": "couple_talk", "label": "ordinary"},
]
ANSWER_LINES = [
    {"text": "maybe stop rushing the end a little", "question": "What would you like to try or change another time?",
     "kind": "answer", "expect": "answer"},
    {"text": "stop the check-in", "question": "What did you enjoy most?", "kind": "stop", "expect": "stop"},
    {"text": "pass", "question": "How was that for you?", "kind": "pass", "expect": "pass"},
    {"text": "say that again", "question": "How was that for you?", "kind": "repeat", "expect": "repeat"},
    {"text": "help", "question": "How was that for you?", "kind": "help", "expect": "help"},
]


def test_care_bench_scores_the_care_path(dialogue_engine) -> None:
    rows = [{**item, **care_bench.run_line(dialogue_engine, item, typed)} for item in CARE_LINES]
    score = care_bench.score(rows)
    assert score["care recall"] == 1.0 and score["false alarms"] == 0.0 and score["couple talk heard"] == 0.0, rows


def test_answers_bench_reads_what_happened(dialogue_engine) -> None:
    rows = [{**item, **answers.run_line(dialogue_engine, item, typed)} for item in ANSWER_LINES]
    assert [r["got"] for r in rows] == [r["expect"] for r in rows], rows


def test_ratings_and_topic_benches(dialogue_engine) -> None:
    rated = [{"text": "a solid four", "rating": 4}, {"text": "really close", "level": "high"}]
    rows = [{**item, **ratings.run_line(dialogue_engine, item, typed)} for item in rated]
    assert ratings.score(rows)["rated right"] == 1.0, rows
    wishes = [{"text": "can we talk about money", "topic": "none", "missing": "money"},
              {"text": "we want to talk about who makes the first move", "topic": "initiation"}]
    rows = [{**item, **topic_wishes.run_line(dialogue_engine, item, typed)} for item in wishes]
    assert topic_wishes.score(rows)["right"] == 1.0, rows
