"""Charts of a plan as SVG, drawn by pygal on the server: readable on screen and in print."""

from __future__ import annotations

from decimal import Decimal

import pygal
from flask_babel import format_currency
from pygal.style import Style

PRINT_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d2530",
    foreground_strong="#1d2530",
    foreground_subtle="#8a939e",
    colors=("#1f5f8b", "#2b6a3a", "#a4661a", "#6b3f8f", "#1d8a8a", "#8b1f3f", "#5a6472"),
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
)

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def bar_chart(title: str, values: dict[str, Decimal]) -> str:
    """A horizontal bar chart, largest first, each bar labelled with its amount in euro."""
    rows = sorted(values.items(), key=lambda row: row[1], reverse=True) or [("–", Decimal("0"))]
    chart = pygal.HorizontalBar(
        style=PRINT_STYLE,
        title=title,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        width=760,
        height=110 + 48 * len(rows),
        js=[],
        disable_xml_declaration=False,
        value_formatter=lambda value: format_currency(value, "EUR"),
        # the amounts are printed on the bars; an axis of euro figures would only crowd them
        show_x_labels=False,  # on a horizontal chart the x axis carries the amounts
        show_x_guides=False,
        show_y_guides=False,
        truncate_label=60,
    )
    chart.x_labels = [label for label, _ in reversed(rows)]
    chart.add(title, [{"value": float(amount), "label": label} for label, amount in reversed(rows)])
    return chart.render(is_unicode=True)
