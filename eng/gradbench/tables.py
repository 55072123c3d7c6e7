#!/usr/bin/env python3
"""Tables from a run.sh output directory (called by run.sh; `eng/gradbench.sh tables OUT` runs it again).

Provenance: the project's shared GradBench set-up's ratios.py (2026-12-06) with, added here, the tables of GradGen against the manual C++
tool from the same run (absolute derivative and primal times, GradGen / manual derivative, C# primal / C++ primal,
per eval and per workload); the comparison with GradBench's nightly ratios is gone (another machine).

Timing numbers come from GradBench's own scorer (`gradbench repo stats`, crates/gradbench/src/stats.rs,
ScorerClassic): for every evaluate message it averages the tool's "evaluate" timings, keyed by the message's
description (the workload); stats/roundN/out/evals/<eval>/summary.json holds those means. The ratio is
derivative mean / primal mean per workload, which is what GradBench's website plots ("derivative / primal",
js/website/src/components/EvalViz.tsx). Correctness comes from the logs: the eval's own `analysis` messages
(valid true/false, checked by GradBench's Python eval against the manual tool) and `gradbench run`'s exit code.
"""

import json
import math
import os
import sys
from pathlib import Path

TOOL_ORDER = ["gradgen", "manual", "pytorch", "jax", "adol-c", "codipack", "finite"]
EVAL_ORDER = ["llsq", "lse", "det", "ode", "gmm", "lstm", "kmeans", "ba"]
OUTCOME = {0: "success", 1: "error", 2: "undefined", 3: "failure", 4: "invalid", 5: "timeout", 6: "interrupt"}


def secs(d):
    return None if d is None else d["secs"] + d["nanos"] * 1e-9


def order(items, ref):
    return sorted(items, key=lambda x: (ref.index(x) if x in ref else len(ref), x))


def fmt_range(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "–"
    lo, hi = min(vals), max(vals)
    if len(vals) == 1 or f"{lo:.2f}" == f"{hi:.2f}":
        return f"{lo:.2f}"
    return f"{lo:.2f}–{hi:.2f}"


def fmt_time(s):
    if s is None:
        return "–"
    if s >= 1:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3f} ms"
    return f"{s * 1e6:.2f} µs"


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def scan_log(path):
    """Counts of evaluate successes/failures and analysis verdicts, and the first errors."""
    info = {"eval_ok": 0, "eval_fail": 0, "valid": 0, "invalid": 0, "errors": [], "define": None}
    pending = {}
    with open(path) as f:
        for line in f:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                info["errors"].append("unparseable log line")
                continue
            if "message" in obj:
                m = obj["message"]
                pending[m.get("id")] = m
                if m.get("kind") == "analysis":
                    if m.get("valid"):
                        info["valid"] += 1
                    else:
                        info["invalid"] += 1
                        if len(info["errors"]) < 3:
                            desc = pending.get(m.get("of"), {})
                            info["errors"].append(
                                f"invalid {desc.get('function')} {desc.get('description')}: {str(m.get('error'))[:300]}"
                            )
            elif "response" in obj:
                r = obj["response"]
                m = pending.get(r.get("id"), {})
                if m.get("kind") == "define":
                    info["define"] = r.get("success")
                    if not r.get("success"):
                        info["errors"].append(f"define failed: {str(r.get('error'))[:300]}")
                elif m.get("kind") == "evaluate":
                    if r.get("success"):
                        info["eval_ok"] += 1
                    else:
                        info["eval_fail"] += 1
                        if len(info["errors"]) < 3:
                            info["errors"].append(
                                f"evaluate {m.get('function')} {m.get('description')} failed: {str(r.get('error'))[:300]}"
                            )
    return info


def run_loads(txt):
    """1-min load average written by run.sh before and after a run (None if unknown)."""
    l0 = l1 = None
    if txt.exists():
        for line in txt.read_text().splitlines():
            if line.startswith("# uptime:"):
                l0 = float(line.split("load average:")[1].split(",")[0])
            elif line.startswith("# exit code"):
                l1 = float(line.split("load average:")[1].split(",")[0])
    return l0, l1


def summary_table(ratios, workloads, tools_all):
    print("| eval | common workloads | " + " | ".join(f"{t} (geomean)" for t in tools_all) + " | best (geomean) |")
    print("|---|---|" + "---:|" * len(tools_all) + "---|")
    for ev in order(list(ratios), EVAL_ORDER):
        tools = [t for t in tools_all if t in ratios[ev]]
        common = [w for w in workloads[ev] if all(w in ratios[ev][t] for t in tools)]
        cells, best = [], []
        for t in tools_all:
            if t not in ratios[ev]:
                cells.append("–")
                continue
            nr = max(len(v) for v in ratios[ev][t].values())
            per_round = []
            for i in range(nr):
                vals = [ratios[ev][t][w][i] for w in common if len(ratios[ev][t][w]) > i]
                if len(vals) == len(common) and vals:
                    per_round.append(geomean(vals))
            cells.append(fmt_range(per_round))
            if per_round:
                best.append((min(per_round), t))
        b = min(best)[1] if len(best) >= 2 else "–"
        print(f"| {ev} | {len(common)} of {len(workloads[ev])} | " + " | ".join(cells) + f" | {b} |")
    print()


SUBJECT = os.environ.get("SUBJECT", "gradgen")
REFERENCE = os.environ.get("REFERENCE", "manual")


def per_round(values_by_round):
    """A list over rounds (None where missing) -> the values that are there."""
    return [v for v in values_by_round if v is not None]


def quotients(a, b):
    """Per round a/b, for rounds where both are known."""
    return [x / y for x, y in zip(a, b) if x is not None and y is not None and y > 0]


def fmt_times(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "–"
    lo, hi = min(vals), max(vals)
    return fmt_time(lo) if fmt_time(lo) == fmt_time(hi) else f"{fmt_time(lo)} – {fmt_time(hi)}"


def fmt_x(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "–"
    lo, hi = min(vals), max(vals)
    f = (lambda v: f"{v:.2f}") if hi < 10 else (lambda v: f"{v:.1f}")
    return f"{f(lo)}×" if f(lo) == f(hi) else f"{f(lo)}–{f(hi)}×"


def by_round(table, ev, tool, w, nrounds):
    vals = table.get(ev, {}).get(tool, {}).get(w, [])
    return vals + [None] * (nrounds - len(vals))


def subject_vs_reference(ratios, primal, deriv, workloads, rounds):
    s, r = SUBJECT, REFERENCE
    evs = [ev for ev in order(list(deriv), EVAL_ORDER) if s in deriv[ev] and r in deriv[ev]]
    if not evs:
        return
    nr = len(rounds)
    print(f"## {s} against {r}, same run\n")
    print(
        "Times are GradBench's scorer's: the mean of the tool's `evaluate` timings for the workload (each evaluate "
        "message runs the function at least `min_runs` times and for at least `min_seconds`). ratio = derivative "
        f"/ primal of the same tool; {s} ÷ {r} = {s}'s time / {r}'s time in the same round. Ranges are over rounds.\n"
    )
    print("### First (smallest) workload of each eval\n")
    print(
        f"| eval | workload | {s} ratio | {r} ratio | {s} derivative | {r} derivative | **derivative {s} ÷ {r}** "
        f"| {s} primal | {r} primal | **primal {s} ÷ {r}** |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for ev in evs:
        w = workloads[ev][0]
        ds, dr = by_round(deriv, ev, s, w, nr), by_round(deriv, ev, r, w, nr)
        ps, pr = by_round(primal, ev, s, w, nr), by_round(primal, ev, r, w, nr)
        print(
            f"| {ev} | {w} | {fmt_range(quotients(ds, ps))} | {fmt_range(quotients(dr, pr))} | {fmt_times(ds)} | "
            f"{fmt_times(dr)} | **{fmt_x(quotients(ds, dr))}** | {fmt_times(ps)} | {fmt_times(pr)} | **{fmt_x(quotients(ps, pr))}** |"
        )
    print()
    print("### Load during the runs\n")
    print(f"1-minute load average before → after each tool's run of the eval, per round (the machine's core count is in the header).\n")
    print("| eval | " + " | ".join(f"{rnd} {t}" for rnd in rounds for t in (s, r)) + " |")
    print("|---|" + "---|" * (2 * nr))
    out = OUT_DIR
    for ev in evs:
        cells = []
        for rnd in rounds:
            for t in (s, r):
                l0, l1 = run_loads(out / rnd / ev / f"{t}.txt")
                cells.append("–" if l0 is None else f"{l0:.1f} → {l1:.1f}" if l1 is not None else f"{l0:.1f} → ?")
        print(f"| {ev} | " + " | ".join(cells) + " |")
    print()
    print("### All workloads both tools completed: geometric means per round\n")
    print(f"| eval | workloads | {s} ratio | {r} ratio | derivative {s} ÷ {r} | primal {s} ÷ {r} |")
    print("|---|---:|---:|---:|---:|---:|")
    for ev in evs:
        common = [
            w for w in workloads[ev]
            if all(x is not None for x in by_round(deriv, ev, s, w, nr) + by_round(deriv, ev, r, w, nr)
                   + by_round(primal, ev, s, w, nr) + by_round(primal, ev, r, w, nr))
        ]
        cells = {"rs": [], "rr": [], "d": [], "p": []}
        for i in range(nr):
            if not common:
                break
            g = lambda table, tool: [table[ev][tool][w][i] for w in common]
            cells["rs"].append(geomean([d / p for d, p in zip(g(deriv, s), g(primal, s))]))
            cells["rr"].append(geomean([d / p for d, p in zip(g(deriv, r), g(primal, r))]))
            cells["d"].append(geomean([a / b for a, b in zip(g(deriv, s), g(deriv, r))]))
            cells["p"].append(geomean([a / b for a, b in zip(g(primal, s), g(primal, r))]))
        print(
            f"| {ev} | {len(common)} of {len(workloads[ev])} | {fmt_range(cells['rs'])} | {fmt_range(cells['rr'])} | "
            f"{fmt_x(cells['d'])} | {fmt_x(cells['p'])} |"
        )
    print()
    print("### Every workload\n")
    for ev in evs:
        print(f"#### {ev}\n")
        print(
            f"| workload | {s} ratio | {r} ratio | {s} derivative | {r} derivative | derivative {s} ÷ {r} "
            f"| {s} primal | {r} primal | primal {s} ÷ {r} |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for w in workloads[ev]:
            ds, dr = by_round(deriv, ev, s, w, nr), by_round(deriv, ev, r, w, nr)
            ps, pr = by_round(primal, ev, s, w, nr), by_round(primal, ev, r, w, nr)
            print(
                f"| {w} | {fmt_range(quotients(ds, ps))} | {fmt_range(quotients(dr, pr))} | {fmt_times(ds)} | "
                f"{fmt_times(dr)} | {fmt_x(quotients(ds, dr))} | {fmt_times(ps)} | {fmt_times(pr)} | {fmt_x(quotients(ps, pr))} |"
            )
        print()


OUT_DIR = None


def main():
    global OUT_DIR
    out = Path(sys.argv[1])
    OUT_DIR = out
    quiet_load = float(os.environ.get("QUIET_LOAD", "3.0"))
    ratios_quiet = {}
    rounds = sorted(p.name for p in out.glob("round*") if p.is_dir())
    # ratios[eval][tool][workload] = list over rounds; times likewise
    # (primal and deriv: one entry per round, None where the round has no time)
    ratios, primal, deriv, workloads = {}, {}, {}, {}
    for ri, rnd in enumerate(rounds):
        for summ in sorted((out / "stats" / rnd / "out" / "evals").glob("*/summary.json")):
            ev = summ.parent.name
            data = json.loads(summ.read_text())
            for tool, wl in data["tools"].items():
                l0, l1 = run_loads(out / rnd / ev / f"{tool}.txt")
                quiet = l0 is not None and l1 is not None and l0 <= quiet_load and l1 <= quiet_load
                for w, pair in wl.items():
                    workloads.setdefault(ev, [])
                    if w not in workloads[ev]:
                        workloads[ev].append(w)
                    p, d = secs(pair.get("primal")), secs(pair.get("derivative"))
                    primal.setdefault(ev, {}).setdefault(tool, {}).setdefault(w, [None] * len(rounds))[ri] = p
                    deriv.setdefault(ev, {}).setdefault(tool, {}).setdefault(w, [None] * len(rounds))[ri] = d
                    if p and d:
                        ratios.setdefault(ev, {}).setdefault(tool, {}).setdefault(w, []).append(d / p)
                        if quiet:
                            ratios_quiet.setdefault(ev, {}).setdefault(tool, {}).setdefault(w, []).append(d / p)

    print(f"# GradBench harness results: {out}\n")
    mt = out / "machine.txt"
    if mt.exists():
        print("```\n" + mt.read_text().strip() + "\n```\n")

    # 1. correctness / outcome
    print("## Outcome and validation (per round)\n")
    print("`gradbench run` outcome; evaluate responses ok/failed; the eval's analysis messages valid/invalid.\n")
    print("| round | eval | tool | outcome | evaluate ok / failed | analysis valid / invalid | wall | 1-min load before → after | first errors |")
    print("|---|---|---|---|---|---|---:|---|---|")
    for rnd in rounds:
        for ev in order([p.name for p in (out / rnd).iterdir() if p.is_dir()], EVAL_ORDER):
            for log in order([p.stem for p in (out / rnd / ev).glob("*.jsonl")], TOOL_ORDER):
                rcf = out / rnd / ev / f"{log}.rc"
                rc = int(rcf.read_text().strip()) if rcf.exists() else None
                info = scan_log(out / rnd / ev / f"{log}.jsonl")
                wall, load0, load1 = "", "?", "?"
                txt = out / rnd / ev / f"{log}.txt"
                if txt.exists():
                    for line in txt.read_text().splitlines():
                        if line.startswith("# exit code"):
                            wall = line.split(" after ")[1].split(";")[0]
                            load1 = line.split("load average:")[1].split(",")[0].strip()
                        elif line.startswith("# uptime:"):
                            load0 = line.split("load average:")[1].split(",")[0].strip()
                errs = "; ".join(info["errors"]).replace("|", "\\|").replace("\n", " ")
                print(
                    f"| {rnd[5:]} | {ev} | {log} | {OUTCOME.get(rc, rc)} | {info['eval_ok']} / {info['eval_fail']} | "
                    f"{info['valid']} / {info['invalid']} | {wall} | {load0} → {load1} | {errs} |"
                )
    print()

    # 2. summary table: geometric mean over the workloads every listed tool has, plus the smallest workload
    print("## Ratio derivative / primal, summary\n")
    print(
        "Per eval: geometric mean over the workloads that every tool in the row completed (count in brackets), "
        "and the ratio at the eval's first (smallest) workload. Ranges are over rounds.\n"
    )
    tools_all = order({t for ev in ratios for t in ratios[ev]}, TOOL_ORDER)
    summary_table(ratios, workloads, tools_all)
    print(
        f"Only runs whose 1-min load average was <= {quiet_load} both before and after the run "
        "(the benchmark itself keeps it near 2 on this 2-core machine):\n"
    )
    summary_table(ratios_quiet, workloads, tools_all)

    print("| eval | first workload | " + " | ".join(tools_all) + " |")
    print("|---|---|" + "---:|" * len(tools_all))
    for ev in order(list(ratios), EVAL_ORDER):
        w0 = workloads[ev][0]
        cells = [fmt_range(ratios[ev].get(t, {}).get(w0, [])) for t in tools_all]
        print(f"| {ev} | {w0} | " + " | ".join(cells) + " |")
    print()

    # 2b. GradGen against the reference tool (manual), absolute times from the same run
    subject_vs_reference(ratios, primal, deriv, workloads, rounds)

    # 3. per workload
    print("## Ratio derivative / primal, per workload\n")
    for ev in order(list(ratios), EVAL_ORDER):
        tools = [t for t in tools_all if t in ratios[ev]]
        print(f"### {ev}\n")
        print("| workload | " + " | ".join(tools) + " | " + " | ".join(f"{t} primal" for t in tools) + " |")
        print("|---|" + "---:|" * (2 * len(tools)))
        for w in workloads[ev]:
            r = [fmt_range(ratios[ev][t].get(w, [])) for t in tools]
            p = []
            for t in tools:
                ps = [x for x in primal[ev][t].get(w, []) if x is not None]
                p.append("–" if not ps else " / ".join(fmt_time(x) for x in ps))
            print(f"| {w} | " + " | ".join(r) + " | " + " | ".join(p) + " |")
        print()


if __name__ == "__main__":
    main()
