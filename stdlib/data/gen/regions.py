#!/usr/bin/env python3
"""Regenerates stdlib/data/regions.json from the AWS SDKs' partition table.

Source: gen/sources/partitions.json, copied from botocore 1.44.8
(botocore/data/partitions.json, the table every AWS SDK ships): each
partition's region regex and its known regions. The regexes all read
`^PREFIX\\-\\w+\\-\\d+$` with PREFIX a word or a choice of words; they are
expanded here into plain prefixes so the compiler needs no regex engine.
Pseudo-regions (`aws-global`, `aws-cn-global`, ...) are not regions a
stack can be deployed to and are left out.

    python3 stdlib/data/gen/regions.py
"""
import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
TAIL = r"\-\w+\-\d+$"


def prefixes(regex):
    if not (regex.startswith("^") and regex.endswith(TAIL)):
        raise SystemExit(f"unexpected region regex {regex}")
    head = regex[1:-len(TAIL)].replace("\\-", "-")
    out = [""]
    for part in re.findall(r"\(([^)]*)\)|([^()]+)", head):
        choices = part[0].split("|") if part[0] else [part[1]]
        out = [o + c for o in out for c in choices]
    return [p + "-" for p in out]


def main():
    src = json.loads((HERE / "sources" / "partitions.json").read_text())
    parts = []
    for p in src["partitions"]:
        regions = sorted(r for r in p["regions"] if not r.endswith("-global"))
        parts.append({"partition": p["id"], "prefixes": prefixes(p["regionRegex"]), "regions": regions})
    for p in parts:
        for r in p["regions"]:
            if not any(r.startswith(x) for x in p["prefixes"]):
                raise SystemExit(f"{r} does not match its partition's prefixes")
    out = {
        "source": "AWS SDK partitions (botocore 1.44.8 botocore/data/partitions.json, copied to "
                  "stdlib/data/gen/sources): every partition's regions, and the shape of a region "
                  "name in it (PREFIX + word + '-' + number), so a region newer than the table is "
                  "accepted too. Regenerate with stdlib/data/gen/regions.py",
        "partitions": parts,
    }
    (HERE.parent / "regions.json").write_text(json.dumps(out, indent=1) + "\n")
    print(sum(len(p["regions"]) for p in parts), "regions in", len(parts), "partitions")


if __name__ == "__main__":
    main()
