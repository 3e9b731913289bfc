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
    colors = [ACCEPT_COLOR if c.verdicts else EMPTY_COLOR for c in shown]
    # Numeric positions: two campaigns cut to the same label stay two bars.
    bars = ax.barh(range(len(shown)), rates, color=colors)
    ax.set_yticks(range(len(shown)), labels=[_label(c.name) for c in shown])
    labels = [
        f"{round(r)}% of {c.verdicts}" if c.verdicts else "no verdicts"
        for r, c in zip(rates, shown, strict=True)
    ]
    ax.bar_label(bars, labels=labels, padding=3)
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 25, 50, 75, 100], labels=["0%", "25%", "50%", "75%", "100%"])
