"""Bar charts drawn as inline SVG on the server: nothing fetched from anywhere, nothing run in
the browser. A chart is a picture of the table printed under it, which carries the same
figures for screen readers and keyboard users, so the SVG itself is hidden from them."""

from __future__ import annotations

from markupsafe import Markup, escape

from bot.dashboard.views import WeeklyCounts, WeekTop

# Each colour has at least 3:1 contrast with the white background (WCAG 1.4.11).
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#505a5f", "#912b88", "#6f4700", "#0b0c0c")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 240, 40, 28, 12


def stacked_bars(data: WeeklyCounts) -> Markup:
    """One bar per week, stacked by series, with a legend underneath the axis when there is
    more than one series."""
    most = max([data.total(w) for w in data.weeks] + [1])
    slot = (WIDTH - LEFT) / max(len(data.weeks), 1)
    scale = (HEIGHT - TOP - BOTTOM) / most
    parts = [_axis(most, scale)]
    for n, week in enumerate(data.weeks):
        x, base = LEFT + n * slot + slot * 0.15, float(HEIGHT - BOTTOM)
        for k, series in enumerate(data.series):
            count = data.counts.get((week, series), 0)
            if count:
                height = count * scale
                base -= height
                parts.append(_rect(x, base, slot * 0.7, height, COLOURS[k % len(COLOURS)]))
        label = f"{week.day:02d}/{week.month:02d}"
        parts.append(_text(x + slot * 0.35, HEIGHT - BOTTOM + 16, label, anchor="middle"))
    legend = _legend(data.series) if len(data.series) > 1 else []
    total_height = HEIGHT + 11 * len(legend)
    return Markup(
        f'<svg class="chart" aria-hidden="true" focusable="false" viewBox="0 0 {WIDTH} {total_height}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}{"".join(legend)}</svg>'
    )


ROW, LABEL, TITLE_CHARS = 20, 330, 48  # ranked bars: row height, title column, title length


def ranked_bars(weeks: list[WeekTop]) -> Markup:
    """For each week with answers, its heading and one horizontal bar per entry (title on the
    left, count at the bar's end), all on one scale so weeks compare."""
    most = max([r.count for w in weeks for r in w.entries] + [1])
    scale = (WIDTH - LABEL - 40) / most
    parts, y = [], 0.0
    for week in (w for w in weeks if w.entries):
        y += ROW
        parts.append(_text(0, y - 4, f"{week.week.day:02d}/{week.week.month:02d}", bold=True))
        for k, entry in enumerate(week.entries):
            y += ROW
            title = entry.title if len(entry.title) <= TITLE_CHARS else entry.title[: TITLE_CHARS - 1] + "…"
            parts.append(_text(LABEL - 8, y - 5, title, anchor="end"))
            parts.append(_rect(LABEL, y - ROW + 3, entry.count * scale, ROW - 6, COLOURS[k % len(COLOURS)]))
            parts.append(_text(LABEL + entry.count * scale + 6, y - 5, str(entry.count)))
    height = max(y, ROW) + 6
    return Markup(
        f'<svg class="chart" aria-hidden="true" focusable="false" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _axis(most: int, scale: float) -> str:
    lines = [
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" stroke="#0b0c0c"/>'
    ]
    step = max(1, -(-most // 4))
    for value in range(0, most + 1, step):
        y = HEIGHT - BOTTOM - value * scale
        lines.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="0.5"/>'
        )
        lines.append(_text(LEFT - 6, y + 4, str(value), anchor="end"))
    return "".join(lines)


def _legend(labels: list[str]) -> list[str]:
    out = []
    for k, label in enumerate(labels):
        y = HEIGHT + 4 + 22 * k
        out.append(_rect(LEFT, y, 14, 14, COLOURS[k % len(COLOURS)]))
        out.append(_text(LEFT + 20, y + 12, label))
    return out


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"/>'


def _text(x: float, y: float, text: str, anchor: str = "start", *, bold: bool = False) -> str:
    attributes = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="13" fill="#0b0c0c"'
    attributes += ' font-weight="bold"' if bold else ""
    return f"<text {attributes}>{escape(text)}</text>"
