#!/usr/bin/env python3
"""Times `cairn build examples/retail` against the same infrastructure
synthesized by the AWS CDK (benches/cdk/app.js), in one run.

    python3 benches/cdk.py [--runs N]

aws-cdk-lib is installed from npm into a scratch folder (benches/.cdk,
ignored by git), never as a dependency of the project. Both run as whole
processes, as a user runs them: `node app.js` with CDK_OUTDIR (no CDK CLI,
no credentials) and the release `cairn build`. Target (issue 17): CDK / Cairn >= 800.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=10)
args = ap.parse_args()

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cdk_scratch, peak_mb, release_binary  # noqa: E402

scratch = cdk_scratch()
cairn = release_binary()


def timed(cmd, env=None, cwd=None, runs=args.runs):
    subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), peak_mb(cmd, env, cwd)


out = tempfile.mkdtemp(prefix="cdk-out-")
env = dict(os.environ, CDK_OUTDIR=out)
cdk_ms, cdk_mb = timed(["node", "app.js"], env=env, cwd=scratch)
built = tempfile.mkdtemp(prefix="cairn-out-")
cairn_ms, cairn_mb = timed([cairn, "build", os.path.join(root, "examples/retail"), "-o", built, "--quiet"],
                           runs=max(args.runs, 30))
resources = lambda path: __import__("json").load(open(path))["Resources"]
cdk_count = len(resources(os.path.join(out, "retail.template.json")))
cairn_count = len(resources(os.path.join(built, "retail.template.json")))
print(f"CDK   synth  median {cdk_ms:8.1f} ms  peak RSS {cdk_mb:6.1f} MB  ({cdk_count} resources)")
print(f"Cairn build  median {cairn_ms:8.1f} ms  peak RSS {cairn_mb:6.1f} MB  ({cairn_count} resources)")
print(f"ratio        {cdk_ms / cairn_ms:.0f}x faster, {cdk_mb / cairn_mb:.1f}x less memory")
