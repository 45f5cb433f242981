"""A look back for the couple's eyes only, from the opt-in journal: how connected the two of them felt together,
week by week (one "us" line), or each partner's own line on its own; never one partner set against the other.
One local file, no network."""

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
VIEWS = ("us", "each")
MARK = "companion journal report"  # in every page and chart it writes: only these may be written over
US = "us"


@dataclass(frozen=True)
class Report:
    """What the report shows: weeks, each partner's own ratings per week, check-ins per kind."""

    partners: Tuple[str, ...]
    weeks: Tuple[str, ...]
    ratings: Dict[str, Dict[str, Tuple[int, ...]]]  # partner -> week -> that partner's own ratings
    kinds: Dict[str, int]  # check-in kind -> how many check-ins

    def together(self) -> Dict[str, float]:
        """The "us" line: per week, one number from both partners' ratings taken together."""
        line: Dict[str, float] = {}
        for week in self.weeks:
            values = [r for by_week in self.ratings.values() for r in by_week.get(week, ())]
            if values:
                line[week] = sum(values) / len(values)
        return line

    def own(self, partner: str) -> Dict[str, float]:
        """One partner's own line: per week, their ratings taken together."""
        return {week: sum(values) / len(values) for week, values in self.ratings.get(partner, {}).items() if values}


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


def _lines(report: Report, view: str) -> List[Tuple[str, Dict[str, float]]]:
    """(title, week -> value) for each line the view shows: one "us" line, or one per partner with ratings."""
    if view == US:
        return [("How connected you felt together", report.together())]
    return [(f"{partner}'s own line", report.own(partner)) for partner in report.partners if report.ratings.get(partner)]


def _plain(text: str) -> str:
    """Text matplotlib shows as written: a `$` never starts mathtext."""
    return text.replace("$", r"\$")


def chart_png(report: Report, view: str = US) -> Optional[bytes]:
    """The view's lines, each in a panel of its own, one above the other (None without matplotlib or ratings)."""
    lines = _lines(report, view)
    if not report.weeks or not lines:
        return None
    try:
        import matplotlib  # type: ignore[import-untyped]

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return None
    figure, axes = pyplot.subplots(len(lines), 1, figsize=(6.5, 2.8 * len(lines)), squeeze=False)
    for axis, (title, line) in zip(axes[:, 0], lines):
        xs = [i for i, week in enumerate(report.weeks) if week in line]
        axis.plot(xs, [line[report.weeks[i]] for i in xs], "o-", color="#5b7db1")
        axis.set_title(_plain(title))
        axis.set_xticks(range(len(report.weeks)))
        axis.set_xticklabels([_plain(w) for w in report.weeks], rotation=45, fontsize=8)
        axis.set_ylim(0.5, 5.5)
        axis.set_yticks(range(1, 6))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=90, metadata={"Software": MARK})
    pyplot.close(figure)
    return out.getvalue()


def _section(title: str, line: Dict[str, float]) -> str:
    e = html.escape
    items = "".join(f"<li>{e(week)}: {value:.1f}</li>" for week, value in sorted(line.items()))
    return f"<h3>{e(title)}</h3><ul>{items}</ul>"


def to_html(report: Report, png: Optional[bytes], view: str = US) -> str:
    """The whole report as one self-contained HTML page (no scripts, no outside links)."""
    e = html.escape
    lines = _lines(report, view)
    body = "".join(_section(title, line) for title, line in lines) if report.weeks else \
        "<p>No ratings in the journal yet.</p>"
    intro = ("The two of you together: each week's ratings from both of you, taken as one." if view == US else
             "Each of you on your own, over the weeks: your own line, not set against the other's.")
    kinds = "".join(f"<li>{e(KIND_NAMES.get(k, k))}: {n}</li>" for k, n in sorted(report.kinds.items()))
    chart = f'<img alt="how connected you felt, by week" src="data:image/png;base64,{base64.b64encode(png).decode()}">' if png else ""
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"generator\" content=\"{MARK}\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
            "<title>Our look back</title><style>body{font-family:sans-serif;max-width:48em;margin:2em auto;color:#333}"
            "img{max-width:100%}</style></head><body>"
            "<h1>Our look back</h1><p>From your private journal, for the two of you only. Nothing here is "
            f"compared or scored.</p><h2>How connected you felt, by week (1 to 5)</h2><p>{intro}</p>{body}{chart}"
            f"<h2>Check-ins</h2><ul>{kinds or '<li>None yet.</li>'}</ul></body></html>\n")


def check_outputs(outputs: Sequence[Path], home: Path) -> None:
    """StorageError unless every output is outside the data directory and free or a page this report wrote."""
    from assistant.errors import StorageError
    from assistant.store import check_own

    for out in outputs:
        folder = out.parent.resolve() if out.parent.exists() else out.parent.absolute()
        if home.exists() and (folder == home.resolve() or home.resolve() in folder.parents):
            raise StorageError(f"{out} is inside the companion's data directory {home}; "
                               "write the look back somewhere of your own")
        check_own(out, MARK.encode(), "look back")


def write(out: Path, entries: Iterable[Dict[str, Any]], partners: Sequence[str] = (),
          png_out: Optional[Path] = None, view: str = US) -> Tuple[Path, Optional[Path]]:
    """Write the HTML report (and the chart as PNG when asked and possible), each with mode 0600; never over a
    file it did not write, nor into the data directory."""
    from assistant import paths
    from assistant.store import write_private, write_private_bytes

    check_outputs([out, *([png_out] if png_out is not None else [])], paths.home())
    report = build(entries, partners)
    png = chart_png(report, view)
    write_private(out, to_html(report, png, view))
    if png_out is not None and png is not None:
        write_private_bytes(png_out, png)
        return out, png_out
    return out, None
