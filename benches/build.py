#!/usr/bin/env python3
"""Times `cairn build` as a whole process, the way a user or CI runs it.

    python3 benches/build.py [PROGRAM] [--runs N]

Builds the release binary, runs it N times (after warm-up runs) on the
program (default: examples/retail), and prints the median and p90 wall time
and the peak resident memory. Targets for examples/retail (issue 17): build median <= 3 ms
and peak RSS <= 12 MB; offline plan (`--plan-against
examples/retail/deployed`) median <= 4 ms. `benches/all.py` prints these
with every other figure.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("program", nargs="?", default=os.path.join(root, "examples/retail"))
ap.add_argument("--runs", type=int, default=50)
ap.add_argument("--plan-against", help="time `cairn plan PROGRAM --against DIR` instead of a build")
args = ap.parse_args()

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import release_binary  # noqa: E402

binary = release_binary()
out = tempfile.mkdtemp(prefix="cairn-bench-")
cmd = [binary, "build", args.program, "-o", out, "--quiet"]
if args.plan_against:
    cmd = [binary, "plan", args.program, "--against", args.plan_against, "--quiet"]

for _ in range(5):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = []
for _ in range(args.runs):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
# Peak memory from a fresh process whose only child is cairn, so the
# cargo build above does not count.
probe = "import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); " \
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
peak_kb = int(subprocess.run([sys.executable, "-c", probe] + cmd, check=True, capture_output=True, text=True).stdout)
median = statistics.median(times)
p90 = times[int(len(times) * 0.9) - 1]
print(f"command:   {'plan' if args.plan_against else 'build'} {os.path.relpath(args.program, root)}")
print(f"runs:      {args.runs}")
print(f"median:    {median:.1f} ms")
print(f"p90:       {p90:.1f} ms")
print(f"peak RSS:  {peak_kb / 1024:.1f} MB")
sys.exit(0)
