"""The suite's report: a Markdown block (figures, ratios, ceilings, targets), its place in docs/benchmarks.md
between marker comments, and a PNG bar chart."""

from __future__ import annotations

import statistics
from pathlib import Path

BEGIN = "<!-- suite-results:begin (written by bench/suite/run; a rerun replaces it) -->"
END = "<!-- suite-results:end -->"


def _stats(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def summarize(results: list[dict]) -> dict[tuple[str, str], dict]:
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in results:
        groups.setdefault((r["scenario"], r["agent"]), []).append(r)
    out = {}
    for key, runs in groups.items():
        good = [r for r in runs if r["ok"]]
        s = {"runs": len(runs), "failed": [r["error"] for r in runs if not r["ok"]]}
        if good and not s["failed"]:
            lines, nbytes = good[0]["lines"], good[0]["bytes"]
            s["lps"] = _stats([r["lines"] / r["wall"] for r in good])
            s["wall"] = _stats([r["wall"] for r in good])
            s["mbs"] = statistics.median(nbytes / r["wall"] / 1e6 for r in good)
            s["cpu_gb"] = statistics.median(r["cpu"] / (nbytes / 1e9) for r in good)
            s["cpu_us"] = statistics.median(r["cpu"] / lines * 1e6 for r in good)
            s["rss"] = max(r["rss_mb"] for r in good)
        out[key] = s
    return out


def _best_peer(summary: dict, scenario: str) -> tuple[str, dict] | None:
    peers = [(a, s) for (sc, a), s in summary.items() if sc == scenario and not a.startswith("pyrolog") and "lps" in s]
    return max(peers, key=lambda p: p[1]["lps"][0]) if peers else None


def targets(summary: dict) -> list[str]:
    out = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    parse = summary.get(("file_parse_json", "pyrolog"), {})
    best = _best_peer(summary, "file_parse_json")
    if "lps" in parse:
        lps = parse["lps"][0]
        out.append(f"file → parse → JSON, ≥ 1,000,000 lines/s: {verdict(lps >= 1e6)}, {lps:,.0f} "
                   f"({100 * lps / 1e6:.0f} % of the target)")
        if best:
            ratio = lps / best[1]["lps"][0]
            out.append(f"file → parse → JSON, ≥ 4× the faster peer ({best[0]}, {best[1]['lps'][0]:,.0f} lines/s): "
                       f"{verdict(ratio >= 4)}, {ratio:.1f}×")
            cpu_ratio = best[1]["cpu_gb"] / parse["cpu_gb"] if parse["cpu_gb"] else 0
            out.append(f"parse path CPU ≤ 1/3 of the faster peer's per GB: {verdict(cpu_ratio >= 3)}, "
                       f"{parse['cpu_gb']:.1f} vs {best[1]['cpu_gb']:.1f} CPU s/GB ({cpu_ratio:.1f}× less)")
        out.append(f"parse path CPU ≤ 1 µs a line: {verdict(parse['cpu_us'] <= 1)}, {parse['cpu_us']:.2f} µs")
        out.append(f"peak RSS < 64 MiB (parse, memory channel): {verdict(parse['rss'] < 64)}, {parse['rss']:.0f} MiB")
    disk = summary.get(("file_parse_json", "pyrolog-disk"), {})
    if "lps" in disk:
        lps = disk["lps"][0]
        out.append(f"file → parse → JSON through the disk channel, ≥ 750,000 lines/s: {verdict(lps >= 750e3)}, "
                   f"{lps:,.0f} ({100 * lps / 750e3:.0f} %), {disk['cpu_us']:.2f} µs of CPU a line; peak RSS {disk['rss']:.0f} MiB "
                   f"({verdict(disk['rss'] < 64)} < 64 MiB)")
    for scenario, label in (("file_file", "file → file"), ("tcp_file", "TCP → file")):
        mine, best = summary.get((scenario, "pyrolog"), {}), _best_peer(summary, scenario)
        if "lps" in mine and best:
            ratio = mine["lps"][0] / best[1]["lps"][0]
            out.append(f"{label}, ≥ 2× the faster peer ({best[0]}, {best[1]['lps'][0]:,.0f} lines/s): "
                       f"{verdict(ratio >= 2)}, {ratio:.1f}×")
    # Issue 7: syslog over TCP from several connections, messages per second and CPU per message.
    mine, best = summary.get(("syslog_tcp_multi_file", "pyrolog"), {}), _best_peer(summary, "syslog_tcp_multi_file")
    if "lps" in mine and best:
        ratio = mine["lps"][0] / best[1]["lps"][0]
        out.append(f"syslog TCP from several connections → JSON file (issue 7), ≥ 2× the faster peer ({best[0]}, "
                   f"{best[1]['lps'][0]:,.0f} messages/s): {verdict(ratio >= 2)}, {ratio:.1f}×; CPU "
                   f"{mine['cpu_us']:.2f} µs a message against {best[1]['cpu_us']:.2f}")
    return out


def markdown(results: list[dict], ceiling_runs: list[dict], meta: dict, scenarios: dict, agents: dict) -> str:
    summary = summarize(results)
    n = meta["lines"]
    lines = [
        f"Run of {meta['date']} on {meta['machine']}; load average {meta['load']}; {meta['repetitions']} "
        f"repetition(s), {meta['minutes']:.1f} minutes. Input: {n:,} access lines "
        f"({meta['access_bytes'] / 1e6:,.0f} MB)" + (f", {n:,} syslog lines ({meta['syslog_bytes'] / 1e6:,.0f} MB)"
                                                    if meta["syslog_bytes"] else "") + f". Pyrolog: `{meta['pyrolog']}`." + (
            " Memory warmed before each run and ceiling (see Method)." if meta.get("warm") else
            " Memory not warmed (`--no-warm`)."),
        "",
        "| scenario | agent | lines/s (median) | min – max | MB/s | wall s | CPU s per GB | CPU µs per line "
        "| peak RSS MiB | Pyrolog's lines/s ÷ this | this CPU ÷ Pyrolog's |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario, label in scenarios.items():
        mine = summary.get((scenario, "pyrolog"), {})
        for agent, agent_label in agents.items():
            s = summary.get((scenario, agent))
            if s is None:
                continue
            if "lps" not in s:
                lines.append(f"| {label} | {agent_label} | **FAILED** | {s['failed'][0][:160] if s['failed'] else ''} "
                             "| | | | | | | |")
                continue
            ratio = cpu_ratio = ""
            if not agent.startswith("pyrolog") and "lps" in mine:
                ratio = f"**{mine['lps'][0] / s['lps'][0]:.1f}×**"
                cpu_ratio = f"{s['cpu_gb'] / mine['cpu_gb']:.1f}×" if mine["cpu_gb"] else ""
            lps, lo, hi = s["lps"]
            lines.append(f"| {label} | {agent_label} | {lps:,.0f} | {lo / 1e3:,.0f}k – {hi / 1e3:,.0f}k | "
                         f"{s['mbs']:,.0f} | {s['wall'][0]:.2f} | {s['cpu_gb']:.1f} | {s['cpu_us']:.2f} | "
                         f"{s['rss']:.0f} | {ratio} | {cpu_ratio} |")
    lines += ["", "Ceilings, measured in the same run (median, min – max over the repetitions):", ""]
    if ceiling_runs:
        cat = _stats([n / c["cat"] for c in ceiling_runs])
        lines.append(f"- `cat` of the access input to /dev/null (page cache): {cat[0]:,.0f} lines/s "
                     f"({cat[1] / 1e6:.1f}M – {cat[2] / 1e6:.1f}M), "
                     f"{statistics.median(meta['access_bytes'] / c['cat'] / 1e6 for c in ceiling_runs):,.0f} MB/s")
        parse = [c["parse"] for c in ceiling_runs if "parse" in c]
        if parse:
            per_cpu = _stats([p["lines"] / p["cpu_seconds"] for p in parse])
            lines.append(f"- bare PCRE2-JIT loop of the expanded `%{{COMBINEDAPACHELOG}}` over the same lines, one "
                         f"thread: {per_cpu[0]:,.0f} lines per CPU second ({per_cpu[1] / 1e6:.2f}M – "
                         f"{per_cpu[2] / 1e6:.2f}M), {1e9 / per_cpu[0]:.0f} ns a line")
        else:
            lines.append(f"- parse ceiling not measured: {ceiling_runs[0].get('parse_error', '')}")
        write = _stats([c["write_bytes"] / c["write"] / 1e6 for c in ceiling_runs])
        lines.append(f"- sequential write of {ceiling_runs[0]['write_bytes'] / 1e6:,.0f} MB (the largest "
                     f"output of the run, the parse scenario's JSON) through the page cache"
                     + (", into warmed memory" if meta.get("warm") else "") + f": {write[0]:,.0f} MB/s "
                     f"({write[1]:,.0f} – {write[2]:,.0f})")
    t = targets(summary)
    if t:
        lines += ["", "Targets of issues 9 and 7 (from this run):", ""] + [f"- {x}" for x in t]
    if meta["skipped"]:
        lines += ["", "Not run: " + "; ".join(meta["skipped"]) + "."]
    failed = [(k, s) for k, s in summary.items() if s["failed"]]
    for (scenario, agent), s in failed:
        lines.append(f"- FAILED {scenario} / {agent}: {'; '.join(e[:300] for e in s['failed'])}")
    lines += ["", "![lines per second by scenario and agent](benchmarks-suite.png)"]
    return "\n".join(lines) + "\n"


def write_docs(path: Path, block: str) -> None:
    text = path.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    else:
        head, tail = text.rstrip("\n") + "\n\n", "\n"
    path.write_text(f"{head}{BEGIN}\n{block}{END}{tail}")


def chart(results: list[dict], scenarios: dict, agents: dict, path: Path) -> None:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    summary = summarize(results)
    shown = [s for s in scenarios if any((s, a) in summary for a in agents)]
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(agents)
    for i, agent in enumerate(agents):
        xs, ys, lo, hi = [], [], [], []
        for j, scenario in enumerate(shown):
            s = summary.get((scenario, agent))
            if s and "lps" in s:
                med, mn, mx = s["lps"]
                xs.append(j + (i - (len(agents) - 1) / 2) * width)
                ys.append(med / 1e6)
                lo.append((med - mn) / 1e6)
                hi.append((mx - med) / 1e6)
        if xs:
            ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, label=agents[agent])
        for j, scenario in enumerate(shown):
            s = summary.get((scenario, agent))
            if s and "lps" not in s:  # a run that failed its checks has no speed: say so where its bar would be
                ax.text(j + (i - (len(agents) - 1) / 2) * width, 0, "FAILED", rotation=90, ha="center",
                        va="bottom", fontsize=8, color="red")
    ax.set_xticks(range(len(shown)))
    # Long labels on two lines, cut before the last arrow, so that neighbours do not overlap.
    ax.set_xticklabels([scenarios[s] if len(scenarios[s]) <= 14 else "\n→ ".join(scenarios[s].rsplit(" → ", 1))
                        for s in shown])
    ax.set_ylabel("million lines per second (median; bars: min – max)")
    ax.set_title("Pyrolog beside rsyslog and syslog-ng (bench/suite/run)")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
