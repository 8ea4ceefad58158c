#!/usr/bin/env python3
"""How `cairn` scales: generates programs of N node groups (a network, a
cluster, and N node groups of one instance type each; about three
resources per node group) and times the whole pipeline on each, in release.

    python3 benches/scale.py [N ...]          (default: 1000 10000)

Prints time, peak RSS and the number of stacks written per size, and the
growth from one size to the next (linear cost: 10x the declarations, at
most ~12x the time). Programs past 500 resources are split into stacks, so
each run writes every template. Targets (issue 17): 10,000 node
groups <= 0.8 s and <= 250 MB; 40,000 <= 4 s.
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import release_binary, scale_program as program  # noqa: E402

binary = release_binary()


probe = ("import resource,subprocess,sys,time; t=time.perf_counter(); "
         "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
         "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
previous = None
for n in sizes:
    path = os.path.join(tempfile.mkdtemp(prefix="cairn-scale-"), "scale.cairn")
    with open(path, "w") as f:
        f.write(program(n))
    out = tempfile.mkdtemp(prefix="cairn-scale-out-")
    runs = []
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", probe, binary, "build", path, "-o", out, "--quiet"],
                           check=True, capture_output=True, text=True).stdout.split()
        if not os.path.exists(os.path.join(out, "cairn.build.json")):
            sys.exit(f"{n} node groups did not build")
        runs.append((float(r[0]), int(r[1])))
    secs = sorted(r[0] for r in runs)[1]
    peak = max(r[1] for r in runs) / 1024
    growth = f"  x{secs / previous[1]:.1f} time for x{n / previous[0]:.0f} declarations" if previous else ""
    stacks = len([f for f in os.listdir(out) if f.endswith(".template.json")])
    print(f"{n:>6} node groups: {secs * 1000:8.0f} ms  peak RSS {peak:7.1f} MB  {stacks} stacks{growth}")
    previous = (n, secs)
