"""The harness's arithmetic, kept free of I/O so tests can check it on made-up numbers.

The machine is shared and noisy, so every figure is a ratio against a baseline measured in the same
run, in interleaved rounds (A B A B ...), and each side is summarised by its median over the rounds.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field


def median(values: Sequence[float]) -> float:
    """The middle value (mean of the two middle ones for an even count); NaN-free input expected."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100), the definition wrk and most load tools use."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without floats drifting
    return float(ordered[min(int(rank), len(ordered)) - 1])


def ratio(value: float, baseline: float) -> float | None:
    """value ÷ baseline; None when the baseline is zero (nothing to compare with)."""
    if not baseline:
        return None
    return value / baseline


def interleave(sides: Sequence[str], rounds: int) -> list[tuple[int, str]]:
    """A B C, A B C, ... as (round, side) pairs; each round rotates who goes first so that no side
    always runs right after the same neighbour (warm caches, CPU frequency, a noisy neighbour)."""
    order = []
    for round_no in range(rounds):
        shift = round_no % len(sides) if sides else 0
        order.extend((round_no, side) for side in [*sides[shift:], *sides[:shift]])
    return order


@dataclass
class Row:
    """One line of the result table: a figure, its baseline, their ratio and the target."""

    section: str
    figure: str
    value: float | None
    unit: str = ""
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "section": self.section,
            "figure": self.figure,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "target": self.target,
            "met": self.met,
            "notes": self.notes,
        }


def fmt(value: float | None, digits: int = 3) -> str:
    """Compact number: thousands without decimals, small values with `digits` significant digits."""
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def render_table(rows: Sequence[Row]) -> str:
    """A plain-text table, one block per section, columns padded to their widest cell."""
    header = ["figure", "value", "baseline", "ratio", "target", "met"]
    body = []
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row.met]
        ratio_cell = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        value = f"{fmt(row.value)} {row.unit}".strip()
        body.append((row.section, [row.figure, value, row.baseline, ratio_cell, row.target, met]))
    widths = [max([len(header[i])] + [len(cells[i]) for _, cells in body]) for i in range(len(header))]
    lines, section = [], None

    def line(cells):
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    lines.append(line(header))
    lines.append(line(["-" * w for w in widths]))
    for name, cells in body:
        if name != section:
            lines.append(f"[{name}]")
            section = name
        lines.append(line(cells))
    return "\n".join(lines)
