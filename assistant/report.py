"""A look back for the couple's eyes only: each partner's own check-in ratings by week, side by side, and how
often each check-in kind happened. From the opt-in journal; one local file, no network, nothing compared."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

KIND_NAMES = {"bedtime": "Bedtime check-in", "after_intimacy": "After-intimacy check-in"}


@dataclass(frozen=True)
class Report:
    """What the report shows: weeks, each partner's ratings per week, check-ins per kind."""

    partners: Tuple[str, ...]
    weeks: Tuple[str, ...]
    ratings: Dict[str, Dict[str, Tuple[int, ...]]]  # partner -> week -> that partner's own ratings
    kinds: Dict[str, int]  # check-in kind -> how many check-ins


def week_of(iso: str) -> Optional[str]:
    """The ISO week of a journal time ("2026-W48"), or None if it cannot be read."""
    try:
        year, week, _ = datetime.fromisoformat(iso).isocalendar()
    except (TypeError, ValueError):
        return None
    return f"{year}-W{week:02d}"


def _rating(value: Any) -> Optional[int]:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 5 else None


def build(entries: Iterable[Dict[str, Any]], partners: Sequence[str] = ()) -> Report:
    """The report's contents from journal entries (the configured partners first, then any other name)."""
    names: List[str] = list(partners)
    ratings: Dict[str, Dict[str, List[int]]] = {}
    weeks = set()
    sessions: Dict[str, str] = {}
    for entry in entries:
        partner = str(entry.get("partner") or "")
        if partner and partner not in names:
            names.append(partner)
        sessions.setdefault(str(entry.get("session")), str(entry.get("kind")))
        week, rating = week_of(str(entry.get("time"))), _rating(entry.get("rating"))
        if week is None or rating is None or not partner:
            continue
        weeks.add(week)
        ratings.setdefault(partner, {}).setdefault(week, []).append(rating)
    frozen = {p: {w: tuple(r) for w, r in by_week.items()} for p, by_week in ratings.items()}
    return Report(tuple(names), tuple(sorted(weeks)), frozen, dict(Counter(sessions.values())))


def chart_png(report: Report) -> Optional[bytes]:
    """Each partner's weekly ratings in a panel of their own, side by side (None without matplotlib or ratings)."""
    if not report.weeks:
        return None
    try:
        import matplotlib  # type: ignore[import-untyped]

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return None
    shown = [p for p in report.partners if p in report.ratings] or list(report.partners)
    figure, axes = pyplot.subplots(1, max(1, len(shown)), figsize=(4.5 * max(1, len(shown)), 3.2), sharey=True,
                                   squeeze=False)
    for axis, partner in zip(axes[0], shown):
        by_week = report.ratings.get(partner, {})
        xs = [i for i, week in enumerate(report.weeks) for _ in by_week.get(week, ())]
        ys = [r for week in report.weeks for r in by_week.get(week, ())]
        axis.plot(xs, ys, "o", color="#5b7db1")
        axis.set_title(f"{partner}'s own ratings")
        axis.set_xticks(range(len(report.weeks)))
        axis.set_xticklabels(report.weeks, rotation=45, fontsize=8)
        axis.set_ylim(0.5, 5.5)
        axis.set_yticks(range(1, 6))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=90)
    pyplot.close(figure)
    return out.getvalue()


def to_html(report: Report, png: Optional[bytes]) -> str:
    """The whole report as one self-contained HTML page (no scripts, no outside links)."""
    e = html.escape
    head = "".join(f"<th>{e(p)}</th>" for p in report.partners)
    rows = []
    for week in report.weeks:
        cells = "".join(f"<td>{', '.join(str(r) for r in report.ratings.get(p, {}).get(week, ())) or '&ndash;'}</td>"
                        for p in report.partners)
        rows.append(f"<tr><th>{e(week)}</th>{cells}</tr>")
    table = (f"<table><tr><th>week</th>{head}</tr>{''.join(rows)}</table>" if rows
             else "<p>No ratings in the journal yet.</p>")
    kinds = "".join(f"<li>{e(KIND_NAMES.get(k, k))}: {n}</li>" for k, n in sorted(report.kinds.items()))
    chart = f'<img alt="each partner\'s own ratings by week" src="data:image/png;base64,{base64.b64encode(png).decode()}">' if png else ""
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
            "<title>Our look back</title><style>body{font-family:sans-serif;max-width:48em;margin:2em auto;color:#333}"
            "td,th{padding:.3em .8em;text-align:left}img{max-width:100%}</style></head><body>"
            "<h1>Our look back</h1><p>From your private journal, for the two of you only. Each of you, in your own "
            "words and numbers; nothing here is compared or scored.</p>"
            f"<h2>How connected each of you felt, by week (1 to 5)</h2>{table}{chart}"
            f"<h2>Check-ins</h2><ul>{kinds or '<li>None yet.</li>'}</ul></body></html>\n")


def write(out: Path, entries: Iterable[Dict[str, Any]], partners: Sequence[str] = (),
          png_out: Optional[Path] = None) -> Tuple[Path, Optional[Path]]:
    """Write the HTML report (and the chart as PNG when asked and possible), each with mode 0600."""
    from assistant.store import write_private, write_private_bytes

    report = build(entries, partners)
    png = chart_png(report)
    write_private(out, to_html(report, png))
    if png_out is not None and png is not None:
        write_private_bytes(png_out, png)
        return out, png_out
    return out, None
