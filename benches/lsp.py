#!/usr/bin/env python3
"""Times `cairn lsp` as an editor sees it: from a change to a 5,000-line
program to the diagnostics published for it.

    python3 benches/lsp.py [--lines N] [--changes N]

Builds the release binary, generates a program of about N lines (a network,
a cluster and as many node groups as it takes), opens it, then sends
changes one at a time (each edits one node group's `max`, every other one
into an error) and measures until the diagnostics for that change arrive.
The server waits 2 ms for more changes before analysing; that wait counts.
Target: median <= 50 ms for 5,000 lines.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--lines", type=int, default=5000)
ap.add_argument("--changes", type=int, default=30)
args = ap.parse_args()

subprocess.run(["cargo", "build", "--release", "-q", "-p", "cairn"], cwd=root, check=True)
binary = os.path.join(root, "target/release/cairn")


def program(max_of_first):
    head = 'network main {\n  zones = 3\n}\n\ncluster shop {\n  network = main\n  admins  = ["arn:aws:iam::111122223333:role/admin"]\n}\n'
    parts = [head]
    lines = head.count("\n")
    i = 0
    while lines < args.lines:
        top = max_of_first if i == 0 else 5
        block = (
            f"\nnodegroup pool_{i} {{\n  cluster        = shop\n  instance_types = [\"m5.large\"]\n"
            f"  scaling        = {{ min = 1, max = {top} }}\n  labels         = {{ pool = \"{i}\" }}\n}}\n"
        )
        parts.append(block)
        lines += block.count("\n")
        i += 1
    return "".join(parts)


proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive():
    length = 0
    while True:
        line = proc.stdout.readline()
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def wait_diagnostics():
    while True:
        m = receive()
        if m.get("method") == "textDocument/publishDiagnostics":
            return m["params"]["diagnostics"]


uri = "file:///bench/shop.cairn"
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
receive()
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
text = program(5)
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "cairn", "version": 1, "text": text}}})
wait_diagnostics()
times = []
for n in range(args.changes):
    # Even changes break the program (max below min), odd ones mend it.
    text = program(0 if n % 2 == 0 else 6)
    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": n + 2}, "contentChanges": [{"text": text}]}})
    diags = wait_diagnostics()
    times.append((time.perf_counter() - t0) * 1000)
    errors = [d for d in diags if d["severity"] == 1 and d["code"] == "E0210"]
    if bool(errors) != (n % 2 == 0):
        sys.exit(f"change {n}: unexpected diagnostics {diags[:2]}")
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
receive()
send({"jsonrpc": "2.0", "method": "exit", "params": None})
proc.wait(timeout=10)
times.sort()
print(f"program:   {text.count(chr(10))} lines")
print(f"changes:   {len(times)}")
print(f"median:    {statistics.median(times):.1f} ms (change sent -> diagnostics received)")
print(f"p90:       {times[int(len(times) * 0.9) - 1]:.1f} ms")
