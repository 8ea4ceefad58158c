#!/usr/bin/env python3
"""Every performance figure Cairn tracks, in one run, side by side with the
AWS CDK synthesizing the same infrastructure as examples/retail.

    python3 benches/all.py [--runs N] [--cdk-runs N] [--quick]

Whole processes, the shipped binary (`cargo build-dist`, installed as a
copy: common.release_binary), medians. Prints each figure beside its
target from issue 17 and exits 1 when one is missed, so the table is a
check, not a brochure:

  cairn check examples/retail           <= 2.5 ms
  cairn build examples/retail           <= 3 ms, <= 12 MB
  offline plan of examples/retail       <= 4 ms
  CDK synth / cairn build               >= 800x (same run)
  10,000 node groups                    <= 0.8 s, <= 250 MB
  40,000 node groups                    <= 4 s, linear
  LSP change -> diagnostics, 5k lines   <= 15 ms
  LSP hover / completion                <= 5 ms

`--quick` skips the CDK and the 40,000 declarations (the two slowest).
aws-cdk-lib is installed from npm into benches/.cdk (ignored by git) the
first time, as benches/cdk.py does.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cdk_scratch, peak_mb, release_binary, scale_program  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=40)
ap.add_argument("--cdk-runs", type=int, default=5)
ap.add_argument("--quick", action="store_true")
args = ap.parse_args()

cairn = release_binary()
retail = os.path.join(root, "examples", "retail")


def timed(cmd, runs, env=None, cwd=None):
    """Median wall time in ms over `runs` (after warm-up), and peak RSS in MB."""
    for _ in range(3 if runs > 5 else 1):
        subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), peak_mb(cmd, env, cwd)


rows = []


def row(what, value, target, ok):
    rows.append((what, value, target, "ok" if ok else "MISSED"))
    print(f"{what:<44} {value:<28} {target:<18} {'ok' if ok else 'MISSED'}", flush=True)


print(f"{'figure':<44} {'measured':<28} {'target':<18}")
out = tempfile.mkdtemp(prefix="cairn-bench-")
check_ms, _ = timed([cairn, "check", retail, "--quiet"], args.runs)
row("cairn check examples/retail", f"{check_ms:.2f} ms", "<= 2.5 ms", check_ms <= 2.5)
build_ms, build_mb = timed([cairn, "build", retail, "-o", out, "--quiet"], args.runs)
row("cairn build examples/retail", f"{build_ms:.2f} ms, {build_mb:.1f} MB", "<= 3 ms, 12 MB",
    build_ms <= 3 and build_mb <= 12)
plan_ms, _ = timed([cairn, "plan", retail, "--against", os.path.join(retail, "deployed"), "--quiet"], args.runs)
row("cairn plan examples/retail --against", f"{plan_ms:.2f} ms", "<= 4 ms", plan_ms <= 4)

if not args.quick:
    scratch = cdk_scratch()
    cdk_out = tempfile.mkdtemp(prefix="cdk-out-")
    cdk_ms, cdk_mb = timed(["node", "app.js"], args.cdk_runs, env=dict(os.environ, CDK_OUTDIR=cdk_out), cwd=scratch)
    row("CDK synth, same infrastructure", f"{cdk_ms / 1000:.2f} s, {cdk_mb:.0f} MB", "", True)
    row("CDK synth / cairn build", f"{cdk_ms / build_ms:.0f}x", ">= 800x", cdk_ms / build_ms >= 800)


sizes = [1000, 10000] + ([] if args.quick else [40000])
seconds = {}
for n in sizes:
    path = os.path.join(tempfile.mkdtemp(prefix="cairn-scale-"), "scale.cairn")
    with open(path, "w") as f:
        f.write(scale_program(n))
    o = tempfile.mkdtemp(prefix="cairn-scale-out-")
    ms, mb = timed([cairn, "build", path, "-o", o, "--quiet"], 3)
    seconds[n] = ms / 1000
    if n == 10000:
        row("10,000 node groups", f"{ms / 1000:.2f} s, {mb:.0f} MB", "<= 0.8 s, 250 MB", ms <= 800 and mb <= 250)
    elif n == 40000:
        growth = seconds[40000] / seconds[10000]
        row("40,000 node groups", f"{ms / 1000:.2f} s, {mb:.0f} MB, x{growth:.1f} of 10k", "<= 4 s, ~x4",
            ms <= 4000 and growth <= 4.6)
    else:
        row(f"{n:,} node groups", f"{ms / 1000:.3f} s, {mb:.0f} MB", "", True)

lsp = subprocess.run([sys.executable, os.path.join(root, "benches", "lsp.py")], check=True,
                     capture_output=True, text=True).stdout
diag = float(re.search(r"median:\s+([\d.]+) ms", lsp).group(1))
hover = float(re.search(r"hover:\s+median ([\d.]+) ms", lsp).group(1))
completion = float(re.search(r"completion: median ([\d.]+) ms", lsp).group(1))
row("LSP change -> diagnostics (5,000 lines)", f"{diag:.1f} ms", "<= 15 ms", diag <= 15)
row("LSP hover / completion while typing", f"{hover:.1f} / {completion:.1f} ms", "<= 5 ms",
    hover <= 5 and completion <= 5)

missed = [r for r in rows if r[3] != "ok"]
print(json.dumps({"missed": [r[0] for r in missed]}))
sys.exit(1 if missed else 0)
