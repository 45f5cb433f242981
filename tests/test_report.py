"""`companion journal report`: a private local page from the real opt-in journal, nothing compared or scored."""

from __future__ import annotations

import re
import stat
from datetime import datetime, timedelta
from pathlib import Path

from assistant.journal import Journal
from assistant.report import build, to_html


def fill_journal(home: Path) -> None:
    """Three weeks of check-ins in the real journal file: both partners' ratings, two kinds."""
    from assistant.store import StateStore

    state = StateStore(home / "state.json")
    start = datetime(2026, 11, 2, 22, 0)
    with Journal.open(home / "journal.sqlite3", state=state) as journal:
        for week, (sam, alex) in enumerate([("4", "3"), ("2", "5"), ("5", None)]):
            for day, kind in ((0, "bedtime"), (2, "after_intimacy" if week == 1 else "bedtime")):
                at = start + timedelta(weeks=week, days=day)
                count = week * 2 + day // 2
                state.update(lambda s, n=count: s.setdefault("checkin", {}).update(count=n))
                journal.record(kind, "Sam", "connected", f"a {sam}", sam, at=at)
                journal.record(kind, "Alex", "connected", "close enough" if alex is None else f"about {alex}", alex, at=at)
                journal.record(kind, "Sam", "appreciated", "the tea", None, at=at)


def test_report_file_is_private_local_and_never_sets_one_partner_against_the_other(run_cli, companion_home, tmp_path):
    companion_home.mkdir(parents=True, exist_ok=True)
    (companion_home / "config.yml").write_text("partners: [Sam, Alex]\njournal: true\n")
    fill_journal(companion_home)
    out, png = tmp_path / "look.html", tmp_path / "look.png"
    result = run_cli(["journal", "report", "--out", str(out), "--png", str(png)])
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "<table" not in page and "<td" not in page, "no table sets one partner's number against the other's"
    assert "Sam" not in page and "Alex" not in page, "the default look back is one line for the two of them"
    assert re.findall(r"<li>(2026-W\d\d): (\d\.\d)</li>", page) == [("2026-W45", "3.5"), ("2026-W46", "3.5"),
                                                                  ("2026-W47", "5.0")]
    assert "Bedtime check-in: 5" in page and "After-intimacy check-in: 1" in page
    assert not re.search(r"https?://|<script|<link", page), "a local page: nothing fetched, nothing run"
    assert not re.search(r"\b(score|better|worse|winner|average|more than|less than)\b", page.lower().replace(
        "nothing here is compared or scored", ""))
    if png.exists():  # matplotlib is installed with the pinned packages; the chart is optional otherwise
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and stat.S_IMODE(png.stat().st_mode) == 0o600
        assert "data:image/png;base64," in page
    each = tmp_path / "each.html"
    assert run_cli(["journal", "report", "--view", "each", "--out", str(each)]).returncode == 0
    page = each.read_text()
    assert "<table" not in page and "<td" not in page
    sam, alex = page.index("Sam&#x27;s own line"), page.index("Alex&#x27;s own line")
    assert re.findall(r"<li>(2026-W\d\d): (\d\.\d)</li>", page[sam:alex]) == [("2026-W45", "4.0"), ("2026-W46", "2.0"),
                                                                           ("2026-W47", "5.0")]
    assert re.findall(r"<li>(2026-W\d\d): (\d\.\d)</li>", page[alex:]) == [("2026-W45", "3.0"), ("2026-W46", "5.0")]


def test_report_of_an_empty_journal_says_so(run_cli, tmp_path):
    out = tmp_path / "empty.html"
    result = run_cli(["journal", "report", "--out", str(out)])
    assert result.returncode == 0 and "journal is off" in result.stderr
    assert "No ratings in the journal yet." in out.read_text()


def test_ratings_outside_one_to_five_and_unreadable_times_are_left_out() -> None:
    entries = [{"session": "a", "kind": "bedtime", "partner": "Sam", "time": "2026-11-02T22:00:00", "rating": "9"},
               {"session": "a", "kind": "bedtime", "partner": "Alex", "time": "garbled", "rating": "3"},
               {"session": "a", "kind": "bedtime", "partner": "Alex", "time": "2026-11-02T22:00:00", "rating": "2"},
               {"session": "b", "kind": "after_intimacy", "partner": "<Kim>", "time": "2026-11-09T22:00:00", "rating": "4"}]
    report = build(entries, ("Sam", "Alex"))
    assert report.ratings == {"Alex": {"2026-W45": (2,)}, "<Kim>": {"2026-W46": (4,)}}
    assert report.kinds == {"bedtime": 1, "after_intimacy": 1} and report.partners == ("Sam", "Alex", "<Kim>")
    assert "&lt;Kim&gt;" in to_html(report, None, "each") and "<Kim>" not in to_html(report, None, "each")
