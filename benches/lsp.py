#!/usr/bin/env python3
"""Times `cairn lsp` as an editor sees it: from a change to a 5,000-line
program to the diagnostics published for it.

    python3 benches/lsp.py [--lines N] [--changes N]

Builds the release binary, generates a program of about N lines (a network,
a cluster and as many node groups as it takes), opens it, then sends
changes one at a time (each edits one node group's `max`, every other one
into an error) and measures until the diagnostics for that change arrive.
The server waits 2 ms for more changes before analysing; that wait counts.
Then, as a user typing does, it asks for hover and completion right after a
change, before the diagnostics of that change arrive, and times each answer.
Targets: diagnostics median <= 15 ms for 5,000 lines; hover and completion
median <= 5 ms.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import release_binary  # noqa: E402

binary = release_binary()


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


pending = []


def wait_diagnostics():
    while pending:
        m = pending.pop(0)
        if m.get("method") == "textDocument/publishDiagnostics":
            return m["params"]["diagnostics"]
    while True:
        m = receive()
        if m.get("method") == "textDocument/publishDiagnostics":
            return m["params"]["diagnostics"]


def ask(rid, method, line, character):
    """Sends a request and times it to its response; notifications that
    arrive first are kept for wait_diagnostics."""
    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "id": rid, "method": method,
          "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}})
    while True:
        m = receive()
        if m.get("id") == rid:
            return (time.perf_counter() - t0) * 1000, m.get("result")
        pending.append(m)


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
# Hover on a node group's `instance_types`, and completion at the start of
# that line, each sent right after a change, while it waits to be analysed.
lines = text.split("\n")
field_line = next(i for i, l in enumerate(lines) if l.startswith("  instance_types"))
hovers, completions = [], []
for n in range(args.changes):
    text = program(0 if n % 2 == 0 else 6)
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": 100 + n}, "contentChanges": [{"text": text}]}})
    if n % 2 == 0:
        ms, result = ask(1000 + n, "textDocument/hover", field_line, 4)
        if not result or "instance" not in json.dumps(result):
            sys.exit(f"hover {n}: unexpected answer {result}")
        hovers.append(ms)
    else:
        ms, result = ask(1000 + n, "textDocument/completion", field_line, 2)
        if not result or not any(i.get("label") == "capacity" for i in result):
            sys.exit(f"completion {n}: unexpected answer {str(result)[:200]}")
        completions.append(ms)
    wait_diagnostics()
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
while receive().get("id") != 2:
    pass
send({"jsonrpc": "2.0", "method": "exit", "params": None})
proc.wait(timeout=10)
times.sort()
print(f"program:   {text.count(chr(10))} lines")
print(f"changes:   {len(times)}")
print(f"median:    {statistics.median(times):.1f} ms (change sent -> diagnostics received)")
print(f"p90:       {times[int(len(times) * 0.9) - 1]:.1f} ms")
print(f"hover:      median {statistics.median(hovers):.1f} ms, max {max(hovers):.1f} ms (asked while a change waits)")
print(f"completion: median {statistics.median(completions):.1f} ms, max {max(completions):.1f} ms")
