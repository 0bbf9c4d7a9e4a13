"""Draw the benchmark records (`--record FILE` of the other scripts) as PNG pictures.

    python benchmarks/plot.py [RECORDS.jsonl ...] [--out docs/img]

Reads every record in the files (default: benchmarks/records/*.jsonl) and writes:

  per_task_vs_n.png   microseconds per task run against N (log-log), one panel per flow
                      shape of flow_overhead.py (and of v2_flow.py when its records are
                      given): prefect-compat at INFO and WARNING, the --baseline tree, and
                      real Prefect (1.4.1, 2.6.9) where measured
  checkpoint.png      map_checkpoint.py: microseconds per item against N on tmpfs and on
                      disk next to the raw floor, and each engine's cost as a multiple of
                      the floor measured in its own run
  import_time.png     import_time.py: `import` in a fresh interpreter, per engine and level
  before_after.png    the --baseline tree against prefect-compat at both levels, for the
                      headline cases (only when baseline rows exist)

Where several records measured the same point, the best (lowest) figure is drawn, as the
scripts themselves keep the best of their runs. Needs matplotlib: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
LEVEL_STYLE = {"INFO": ("-", "o"), "WARNING": ("--", "s")}
OURS, BEFORE, FLOOR = "#1f77b4", "#8c8c8c", "#000000"
REFERENCE = {"1": "#ff7f0e", "2": "#2ca02c", "0": "#d62728"}
CASE_N = re.compile(r"^(?P<shape>.*?)\s*N=(?P<n>\d+)(?P<rest>.*)$")
FLOW_SHAPES = ("map4993", "chain", "fanout")
# the cases of before_after.png: (script, shape, storage, N)
HEADLINE = (
    ("flow_overhead", "map4993", None, 2000),
    ("flow_overhead", "chain", None, 4000),
    ("map_checkpoint", "checkpoint", "tmpfs", 2000),
    ("map_checkpoint", "checkpoint", "disk", 2000),
)

Row = dict[str, Any]


# -- reading ---------------------------------------------------------------------------


def load_rows(paths: list[str]) -> list[Row]:
    """Every row of every record, with script, commit and defaults filled in."""
    rows: list[Row] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rows += _rows_of(json.loads(line))
    return rows


def _rows_of(record: dict[str, Any]) -> list[Row]:
    out = []
    for raw in record.get("rows", []):
        r = dict(raw)
        match = CASE_N.match(r.get("case", ""))
        if match and "shape" not in r:
            r["shape"] = (match["shape"] + match["rest"]).strip()
        if match and "n" not in r:
            r["n"] = int(match["n"])
        r.setdefault("role", "ours")
        r.setdefault("engine", "prefect-compat")
        r.setdefault("level", (record.get("levels") or ["WARNING"])[0])
        r["script"] = record.get("script", "?")
        r["timestamp"] = record.get("timestamp", "")
        if r["role"] == "ours":
            r.setdefault("commit", record.get("commit"))
        out.append(r)
    return out


# -- series ----------------------------------------------------------------------------


def series_name(r: Row) -> str:
    if r["role"] == "baseline":
        return f"prefect-compat {r.get('commit') or ''} (before)".replace("  ", " ")
    if r["role"] == "reference":
        return r["engine"].replace("prefect-", "Prefect ", 1)
    return "prefect-compat"


def label(r: Row) -> str:
    return f"{series_name(r)}, {r['level']}"


def color(r: Row) -> str:
    if r["role"] == "baseline":
        return BEFORE
    if r["role"] == "reference":
        return REFERENCE.get(str(r.get("version", "?"))[:1], "#9467bd")
    return OURS


def order(r: Row) -> tuple:
    """Legend order: ours, then before, then real Prefect; INFO before WARNING."""
    rank = {"ours": 0, "baseline": 1, "reference": 2}.get(r["role"], 3)
    return (rank, r.get("engine", ""), r["level"] != "INFO", r["level"])


def best_by(rows: list[Row], key: Callable[[Row], Any]) -> dict[Any, Row]:
    """The fastest row per key."""
    found: dict[Any, Row] = {}
    for r in rows:
        k = key(r)
        if k not in found or r["us_per_task"] < found[k]["us_per_task"]:
            found[k] = r
    return found


def curves(rows: list[Row]) -> list[list[Row]]:
    """One line (best per N, sorted by N) per series, in legend order.

    The --baseline tree is left out: it is measured at a few sizes only, and
    before_after.png shows it.
    """
    rows = [r for r in rows if r.get("n") and r["role"] != "baseline"]
    best = best_by(rows, lambda r: (label(r), r["n"]))
    grouped: dict[str, list[Row]] = defaultdict(list)
    for (name, _), r in best.items():
        grouped[name].append(r)
    out = [sorted(points, key=lambda r: r["n"]) for points in grouped.values()]
    return sorted(out, key=lambda points: order(points[0]))


def footnote(rows: list[Row]) -> str:
    ours = sorted({str(r.get("commit")) for r in rows if r["role"] == "ours"})
    days = sorted({r["timestamp"][:10] for r in rows if r.get("timestamp")})
    return f"prefect-compat {', '.join(ours)}; measured {', '.join(days)}; best of the runs"


# -- drawing ---------------------------------------------------------------------------


def draw_curve(ax, points: list[Row], name: str | None = None) -> None:
    sample = points[0]
    line, marker = LEVEL_STYLE.get(sample["level"], (":", "^"))
    ax.plot(
        [r["n"] for r in points],
        [r["us_per_task"] for r in points],
        line,
        marker=marker,
        color=color(sample),
        label=name or label(sample),
        linewidth=1.8,
        markersize=5,
    )


def log_axes(ax, title: str, ylabel: str) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("N (log)")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.4)
    ax.grid(True, which="minor", alpha=0.12)


def shared_legend(fig, axes) -> int:
    """One legend under the panels for every series drawn in `axes`; its row count."""
    seen: dict[str, Any] = {}
    for ax in axes:
        for handle, name in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(name, handle)
    ncol = min(4, max(1, len(seen)))
    fig.legend(
        list(seen.values()),
        list(seen),
        loc="lower center",
        ncol=ncol,
        fontsize=9,
        bbox_to_anchor=(0.5, 0.035),
        frameon=False,
    )
    return -(-len(seen) // ncol)


def finish(fig, rows: list[Row], title: str, path: Path, legend_rows: int = 0) -> Path:
    fig.suptitle(title, fontsize=13)
    fig.text(0.5, 0.008, footnote(rows), ha="center", fontsize=8, color="#555555")
    height = fig.get_figheight()
    bottom = (0.3 + 0.22 * legend_rows) / height
    fig.tight_layout(rect=(0, bottom, 1, 1))
    fig.savefig(path, dpi=110)
    return path


def plot_per_task(plt, rows: list[Row], out: Path) -> Path | None:
    flows = [r for r in rows if r["script"] in ("flow_overhead", "v2_flow") and r.get("n")]
    shapes = [(s, "flow_overhead") for s in FLOW_SHAPES if any(r["shape"] == s for r in flows)]
    shapes += sorted({(r["shape"], "v2_flow") for r in flows if r["script"] == "v2_flow"})
    if not shapes:
        return None
    cols = min(3, len(shapes))
    nrows = -(-len(shapes) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(5.4 * cols, 4.4 * nrows + 1.2), squeeze=False)
    for ax, (shape, script) in zip(axes.flat, shapes):
        here = [r for r in flows if r["shape"] == shape and r["script"] == script]
        for points in curves(here):
            draw_curve(ax, points)
        log_axes(
            ax, shape if script == "flow_overhead" else f"{shape} (2.x API)", "µs per task run"
        )
    for ax in list(axes.flat)[len(shapes) :]:
        ax.axis("off")
    legend_rows = shared_legend(fig, axes.flat)
    title = "Time per task run against flow size (log-log, lower is better)"
    return finish(fig, flows, title, out / "per_task_vs_n.png", legend_rows)


def plot_checkpoint(plt, rows: list[Row], out: Path) -> Path | None:
    cp = [r for r in rows if r["script"] == "map_checkpoint" and r.get("storage")]
    storages = [s for s in ("tmpfs", "disk") if any(r["storage"] == s for r in cp)]
    if not storages:
        return None
    fig, axes = plt.subplots(1, len(storages) + 1, figsize=(5.6 * (len(storages) + 1), 6.0))
    for ax, storage in zip(axes, storages):
        here = [r for r in cp if r["storage"] == storage]
        for points in curves([r for r in here if r["shape"] == "checkpoint"]):
            draw_curve(ax, points)
        floor = best_by(
            [r for r in here if r["shape"] == "floor" and r["role"] == "ours"], lambda r: r["n"]
        )
        ns = sorted(floor)
        ax.plot(
            ns,
            [floor[n]["us_per_task"] for n in ns],
            ":",
            color=FLOOR,
            linewidth=2.4,
            label="raw floor: pickle, temp file, rename",
        )
        log_axes(ax, f"{storage} ({here[0].get('fs', '?')})", "µs per checkpointed item")
    ratio_bars(axes[-1], cp, storages)
    legend_rows = shared_legend(fig, axes[:-1])
    title = "Checkpointing a mapped task through LocalResult, against the raw floor"
    return finish(fig, cp, title, out / "checkpoint.png", legend_rows)


def level_bars(ax, sample, points, width, text, fontsize):
    """One sample's bars at `points` [(x, height)] (solid at INFO, hatched and paler at
    WARNING), each labelled with `text(height)`."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    info = sample["level"] == "INFO"
    bars = ax.bar(
        xs,
        ys,
        width,
        color=color(sample),
        alpha=1.0 if info else 0.5,
        hatch="" if info else "//",
        edgecolor="white",
        label=label(sample),
    )
    for bar, y in zip(bars, ys):
        if y:
            x = bar.get_x() + bar.get_width() / 2
            ax.annotate(text(y), (x, y), ha="center", va="bottom", fontsize=fontsize)


def floor_ratios(cp: list[Row], n: int) -> dict[tuple, tuple[float, Row]]:
    """{(label, storage): (engine time / raw floor time, engine row)} at `n`.

    The best engine row of each series, divided by the floor measured in the same
    process, alternately with it (`floor_seconds`): the floor moves with the disk's
    weather, so a ratio never mixes two runs. Rows recorded before `floor_seconds`
    existed fall back to the best floor of the same series.
    """
    at_n = [r for r in cp if r["n"] == n]
    floors = best_by(
        [r for r in at_n if r["shape"] == "floor"],
        lambda r: (label(r), r["storage"]),
    )
    engines = best_by(
        [r for r in at_n if r["shape"] == "checkpoint"],
        lambda r: (label(r), r["storage"]),
    )
    found = {}
    for key, r in engines.items():
        floor = r.get("floor_seconds") or (floors[key]["seconds"] if key in floors else None)
        if floor:
            found[key] = (r["seconds"] / floor, r)
    return found


def ratio_bars(ax, cp: list[Row], storages: list[str]) -> None:
    n = max(r["n"] for r in cp)
    # like before_after.png: when some runs measured a baseline at this N, take those
    with_baseline = {r["timestamp"] for r in cp if r["role"] == "baseline" and r["n"] == n}
    if with_baseline:
        cp = [r for r in cp if r["timestamp"] in with_baseline]
    ratios = floor_ratios(cp, n)
    samples = sorted({name: r for (name, _), (_, r) in ratios.items()}.values(), key=order)
    width = 0.84 / max(1, len(samples))
    for i, sample in enumerate(samples):
        xs = [j + (i - (len(samples) - 1) / 2) * width for j in range(len(storages))]
        ys = [ratios.get((label(sample), s), (0.0, None))[0] for s in storages]
        level_bars(
            ax,
            sample,
            list(zip(xs, ys)),
            width,
            lambda y: f"{y:.2f}×" if y < 10 else f"{y:.0f}×",
            7,
        )
    ax.axhline(1.0, color=FLOOR, linestyle=":", linewidth=1.6)
    ax.set_yscale("log")
    top = max((r for r, _ in ratios.values()), default=1.0)
    ax.set_ylim(top=top * 4)
    ax.set_xticks(range(len(storages)))
    ax.set_xticklabels(storages)
    ax.set_ylabel("engine time / raw floor, same process")
    ax.set_title(f"Cost as a multiple of the floor, N={n}", fontsize=11)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(True, axis="y", which="both", alpha=0.25)


def plot_import(plt, rows: list[Row], out: Path) -> Path | None:
    imports = [r for r in rows if r["script"] == "import_time" and r.get("shape") == "import"]
    if not imports:
        return None
    best = sorted(best_by(imports, label).values(), key=order)
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(best) + 2.2))
    names = [label(r) for r in best]
    ms = [r["seconds"] * 1000 for r in best]
    # a bare start slower than the import is noise: never draw it past the import bar
    bare = [min(r.get("bare_seconds", 0) * 1000, value) for r, value in zip(best, ms)]
    ys = range(len(best))
    ax.barh(ys, ms, color=[color(r) for r in best], alpha=0.9, label="import (fresh process)")
    ax.barh(ys, bare, color="white", alpha=0.55, hatch="..", label="bare interpreter start")
    for y, value in zip(ys, ms):
        ax.annotate(f" {value:.0f} ms", (value, y), va="center", fontsize=8)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(right=max(ms) * 3)
    ax.set_xlabel("milliseconds, best of the fresh processes (log scale)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    ax.grid(True, axis="x", which="both", alpha=0.25)
    title = "Importing the package in a fresh interpreter (prefect_compat, prefect)"
    return finish(fig, imports, title, out / "import_time.png")


def _headline_cases(rows: list[Row], scripts: tuple[str, ...]) -> list[tuple[str, list[Row]]]:
    """The HEADLINE cases, from the invocations that ran a baseline (same-run figures)."""
    with_baseline = {(r["script"], r["timestamp"]) for r in rows if r["role"] == "baseline"}
    rows = [r for r in rows if (r["script"], r["timestamp"]) in with_baseline]
    cases = []
    for script, shape, storage, n in HEADLINE:
        if script not in scripts:
            continue
        here = [
            r
            for r in rows
            if r["script"] == script
            and r.get("shape") == shape
            and r.get("n") == n
            and r.get("storage") == storage
            and r["role"] in ("ours", "baseline")
        ]
        if any(r["role"] == "baseline" for r in here):
            cases.append((f"{shape} N={n}" + (f"\n{storage}" if storage else ""), here))
    return cases


def grouped_bars(ax, cases, value: Callable[[Row], float | None], fmt: str) -> None:
    """One group of bars per case, one bar per series (label), best row per series."""
    samples = sorted(best_by([r for _, here in cases for r in here], label).values(), key=order)
    width = 0.84 / max(1, len(samples))
    for i, sample in enumerate(samples):
        xs, ys = [], []
        for j, (_, here) in enumerate(cases):
            found = best_by([r for r in here if label(r) == label(sample)], label)
            y = value(next(iter(found.values()))) if found else None
            if y:
                xs.append(j + (i - (len(samples) - 1) / 2) * width)
                ys.append(y)
        level_bars(ax, sample, list(zip(xs, ys)), width, fmt.format, 8)
    ax.set_xticks(range(len(cases)))
    ax.set_xticklabels([name for name, _ in cases], fontsize=9)
    ax.grid(True, axis="y", alpha=0.3)


def _floor_multiple(r: Row) -> float | None:
    return r["seconds"] / r["floor_seconds"] if r.get("floor_seconds") else None


def plot_before_after(plt, rows: list[Row], out: Path) -> Path | None:
    flows = _headline_cases(rows, ("flow_overhead",))
    checkpoints = _headline_cases(rows, ("map_checkpoint",))
    panels = [p for p in (flows, checkpoints) if p]
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 5.4), squeeze=False)
    axes = list(axes.flat)
    if flows:
        ax = axes[0]
        grouped_bars(ax, flows, lambda r: r["us_per_task"], "{:.0f}")
        ax.set_ylabel("µs per task run")
        ax.set_title("Engine time per task run", fontsize=11)
    if checkpoints:
        ax = axes[-1]
        grouped_bars(ax, checkpoints, _floor_multiple, "{:.2f}×")
        ax.axhline(1.0, color=FLOOR, linestyle=":", linewidth=1.6, label="raw floor")
        ax.set_ylabel("checkpointed item: time / raw floor, same process")
        ax.set_title("Checkpoint cost as a multiple of the floor", fontsize=11)
    legend_rows = shared_legend(fig, axes)
    used = [r for _, here in flows + checkpoints for r in here]
    title = "Before and after the cheap runner lines, at INFO (the default) and WARNING"
    return finish(fig, used, title, out / "before_after.png", legend_rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="*", help="record files (default benchmarks/records)")
    parser.add_argument("--out", default=str(HERE.parent / "docs" / "img"), help="output dir")
    args = parser.parse_args(argv)
    try:
        import matplotlib
    except ImportError:
        print('plot.py needs matplotlib: pip install -e ".[bench]"', file=sys.stderr)
        return 2
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = args.records or sorted(glob.glob(str(HERE / "records" / "*.jsonl")))
    if not paths:
        print("no record files given and none in benchmarks/records", file=sys.stderr)
        return 2
    rows = load_rows(paths)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for draw in (plot_per_task, plot_checkpoint, plot_import, plot_before_after):
        path = draw(plt, rows, out)
        plt.close("all")
        print(f"wrote {path}" if path else f"{draw.__name__}: no rows for it, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
