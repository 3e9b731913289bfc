"""The digest's chart: the funnel and acceptance by campaign, as PNG bytes.

matplotlib's object API on the Agg backend, set explicitly: no pyplot, no display, no
global figure state, so it is safe in the delivery worker's thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

LABEL = 28  # characters of a campaign name on the axis
CAMPAIGNS = 8
FUNNEL_COLOR = "#4a90d9"
ACCEPT_COLOR = "#2eb67d"
EMPTY_COLOR = "#b0b0b0"
SMALL_COLOR = "#b7e4cf"  # a pale acceptance bar: too few verdicts to read much into
SMALL_SAMPLE = 3  # fewer verdicts than this: the bar is pale, hatched and says so
HATCH_COLOR = "#6cc29b"


@dataclass(frozen=True)
class CampaignBar:
    name: str
    accepted: int
    verdicts: int  # accepted + rejected + handed back


def _label(text: str) -> str:
    """A campaign name as an axis label: short, and with `$` escaped so matplotlib does not
    read it as mathtext."""
    text = " ".join(text.split()) or "(no campaign)"
    if len(text) > LABEL:
        text = text[: LABEL - 1] + "…"
    return text.replace("$", r"\$")


def bar_label(c: CampaignBar) -> str:
    """ "50% of 12"; "100% of 1 (small sample)"; "no verdicts"."""
    if not c.verdicts:
        return "no verdicts"
    label = f"{round(100 * c.accepted / c.verdicts)}% of {c.verdicts}"
    return label + (" (small sample)" if c.verdicts < SMALL_SAMPLE else "")


def _color(c: CampaignBar) -> str:
    if not c.verdicts:
        return EMPTY_COLOR
    return SMALL_COLOR if c.verdicts < SMALL_SAMPLE else ACCEPT_COLOR


def render_chart(
    stages: Sequence[tuple[str, int]], campaigns: Sequence[CampaignBar], *, title: str = ""
) -> bytes:
    """Two horizontal bar charts side by side; returns a PNG."""
    figure = Figure(figsize=(11, 4.2), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    funnel, accept = figure.subplots(1, 2, width_ratios=[1, 1.25])
    if title:
        figure.suptitle(title.replace("$", r"\$"), fontsize=13, fontweight="bold")
    _funnel(funnel, stages)
    _acceptance(accept, list(campaigns)[:CAMPAIGNS])
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _funnel(ax, stages: Sequence[tuple[str, int]]) -> None:  # type: ignore[no-untyped-def]
    names = [name for name, _ in stages][::-1]
    values = [value for _, value in stages][::-1]
    bars = ax.barh(names, values, color=FUNNEL_COLOR)
    top = max(values, default=0)
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3)
    ax.set_xlim(0, max(top * 1.15, 1))
    ax.set_title("Funnel", loc="left")
    ax.xaxis.set_visible(False)
    ax.spines[["top", "right", "bottom"]].set_visible(False)


def _acceptance(ax, campaigns: Sequence[CampaignBar]) -> None:  # type: ignore[no-untyped-def]
    ax.set_title("Acceptance by campaign", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    if not campaigns:
        ax.text(0.5, 0.5, "No decisions this week", ha="center", va="center", color="#666")
        ax.set_axis_off()
        return
    shown = campaigns[::-1]
    rates = [100 * c.accepted / c.verdicts if c.verdicts else 0 for c in shown]
    # Numeric positions: two campaigns cut to the same label stay two bars.
    bars = ax.barh(range(len(shown)), rates, color=[_color(c) for c in shown])
    for bar, c in zip(bars, shown, strict=True):
        if 0 < c.verdicts < SMALL_SAMPLE:
            bar.set_hatch("//")
            bar.set_edgecolor(HATCH_COLOR)
            bar.set_linewidth(0)
    ax.set_yticks(range(len(shown)), labels=[_label(c.name) for c in shown])
    ax.bar_label(bars, labels=[bar_label(c) for c in shown], padding=3)
    ax.set_xlim(0, 150)
    ax.set_xticks([0, 25, 50, 75, 100], labels=["0%", "25%", "50%", "75%", "100%"])
