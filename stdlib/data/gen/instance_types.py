#!/usr/bin/env python3
"""Regenerates stdlib/data/instance_types.json from committed sources.

Sources (under gen/sources/, copied verbatim with their provenance):
- eni-max-pods.txt: the EKS AMI's max-pods table, awslabs/amazon-eks-ami
  templates/shared/runtime/eni-max-pods.txt at commit 2377b69a (2026-02-27),
  the last version before the file moved into nodeadm. Max pods per type.
- instance-info.jsonl: the same project's nodeadm/internal/kubelet/
  instance-info.jsonl at commit 4d63a3bc (2026-07-01): ENIs and IPv4
  addresses per ENI for every type nodeadm knows; max pods is
  enis * (ipv4_per_eni - 1) + 2, nodeadm's own formula. The two agree on
  every type they share; the union is the table.

Architecture and accelerator follow EC2's instance naming conventions
(docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html: a
`g` among a family's options means Graviton, so arm64; `a1` is the first
Graviton) and the accelerated computing families
(docs.aws.amazon.com/ec2/latest/instancetypes/ac.html), listed below.
vCPUs, memory (MiB) and GPUs come from instance-sizes.tsv: EC2's
DescribeInstanceTypes figures as Karpenter's generated reference lists them
(see karpenter_sizes.py); the EC2 instance type pages' figures for the
families in VCPU_MEMORY are kept as a cross-check and for types the
reference lacks. A row without them leaves them out rather than guess.

    python3 stdlib/data/gen/instance_types.py
"""
import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
SOURCES = HERE / "sources"

# Accelerated computing families, from the EC2 documentation.
ACCELERATOR = {
    "nvidia": ["p2", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300",
               "g3", "g3s", "g4dn", "g5", "g5g", "g6", "g6e", "g6f", "g7", "g7e", "gr6", "gr6f"],
    "amd": ["g4ad"],
    "neuron": ["inf1", "inf2", "trn1", "trn1n", "trn2"],
    "habana": ["dl1"],
    "qualcomm": ["dl2q"],
    "xilinx": ["f1", "f2", "vt1"],
}

# vCPU and memory per size for families whose sizes follow one pattern
# (EC2 instance type pages); the exceptions are listed after.
SIZES = {"medium": 1, "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
         "12xlarge": 48, "16xlarge": 64, "24xlarge": 96, "32xlarge": 128, "48xlarge": 192}
ALL = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]
GRAVITON = ["medium"] + ALL[:-1]
VCPU_MEMORY = {  # family: (GiB per vCPU, sizes)
    "m5": (4, ALL), "m5a": (4, ALL), "m6i": (4, ALL + ["32xlarge"]),
    "m6a": (4, ALL + ["32xlarge", "48xlarge"]), "m7i": (4, ALL + ["48xlarge"]),
    "m7a": (4, ["medium"] + ALL + ["32xlarge", "48xlarge"]), "m6g": (4, GRAVITON),
    "m7g": (4, GRAVITON), "m8g": (4, GRAVITON + ["24xlarge", "48xlarge"]),
    "c5": (2, ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
    "c6i": (2, ALL + ["32xlarge"]), "c6a": (2, ALL + ["32xlarge", "48xlarge"]),
    "c7i": (2, ALL + ["48xlarge"]), "c7a": (2, ["medium"] + ALL + ["32xlarge", "48xlarge"]),
    "c6g": (2, GRAVITON), "c7g": (2, GRAVITON), "c8g": (2, GRAVITON + ["24xlarge", "48xlarge"]),
    "r5": (8, ALL), "r6i": (8, ALL + ["32xlarge"]), "r6a": (8, ALL + ["32xlarge", "48xlarge"]),
    "r7i": (8, ALL + ["48xlarge"]), "r7a": (8, ["medium"] + ALL + ["32xlarge", "48xlarge"]),
    "r6g": (8, GRAVITON), "r7g": (8, GRAVITON), "r8g": (8, GRAVITON + ["24xlarge", "48xlarge"]),
}
VCPU_MEMORY_ROWS = {"c5.9xlarge": (36, 72), "c5.18xlarge": (72, 144)}
for fam in ["t3", "t3a", "t4g"]:
    for size, vm in {"nano": (2, 0.5), "micro": (2, 1), "small": (2, 2), "medium": (2, 4),
                     "large": (2, 8), "xlarge": (4, 16), "2xlarge": (8, 32)}.items():
        VCPU_MEMORY_ROWS[f"{fam}.{size}"] = vm
for t, vm in {
    "g4dn.xlarge": (4, 16), "g4dn.2xlarge": (8, 32), "g4dn.4xlarge": (16, 64), "g4dn.8xlarge": (32, 128),
    "g4dn.12xlarge": (48, 192), "g4dn.16xlarge": (64, 256), "g5.xlarge": (4, 16), "g5.2xlarge": (8, 32),
    "g5.4xlarge": (16, 64), "g5.8xlarge": (32, 128), "g5.12xlarge": (48, 192), "g5.16xlarge": (64, 256),
    "g5.24xlarge": (96, 384), "g5.48xlarge": (192, 768), "g6.xlarge": (4, 16), "g6.2xlarge": (8, 32),
    "g6.4xlarge": (16, 64), "g6.8xlarge": (32, 128), "g6.12xlarge": (48, 192), "g6.16xlarge": (64, 256),
    "g6.24xlarge": (96, 384), "g6.48xlarge": (192, 768), "g6e.xlarge": (4, 32), "g6e.2xlarge": (8, 64),
    "g6e.4xlarge": (16, 128), "g6e.8xlarge": (32, 256), "g6e.12xlarge": (48, 384), "g6e.16xlarge": (64, 512),
    "g6e.24xlarge": (96, 768), "g6e.48xlarge": (192, 1536), "p4d.24xlarge": (96, 1152),
    "p5.48xlarge": (192, 2048), "inf2.xlarge": (4, 16), "inf2.8xlarge": (32, 128),
    "inf2.24xlarge": (96, 384), "inf2.48xlarge": (192, 768),
}.items():
    VCPU_MEMORY_ROWS[t] = vm
for fam, (gib, sizes) in VCPU_MEMORY.items():
    for s in sizes:
        VCPU_MEMORY_ROWS[f"{fam}.{s}"] = (SIZES[s], SIZES[s] * gib)

FAMILY = re.compile(r"^([a-z]+)(\d+)([a-z]*)")


def arch(family):
    """x86_64 or arm64 by EC2's naming convention; Mac hosts as EC2 reports them."""
    if family.startswith("mac"):
        return "x86_64_mac" if family == "mac1" else "arm64_mac"
    if family == "a1":
        return "arm64"
    m = FAMILY.match(family)
    return "arm64" if m and "g" in m.group(3) else "x86_64"


def main():
    rows = {}
    for line in (SOURCES / "eni-max-pods.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            t, pods = line.split()
            rows[t] = {"max_pods": int(pods)}
    for line in (SOURCES / "instance-info.jsonl").read_text().splitlines():
        d = json.loads(line)
        enis, ips = d["defaultMaxENIs"], d["ipv4AddressesPerInterface"]
        pods = enis * (ips - 1) + 2
        row = rows.setdefault(d["instanceType"], {"max_pods": pods})
        if row["max_pods"] != pods:
            raise SystemExit(f"{d['instanceType']}: the sources disagree ({row['max_pods']} and {pods})")
        row.update({"enis": enis, "ipv4_per_eni": ips})
    accel = {f: a for a, fams in ACCELERATOR.items() for f in fams}
    for t, row in rows.items():
        family = t.split(".")[0]
        row["arch"] = arch(family)
        if family in accel:
            row["accelerator"] = accel[family]
    for t, (vcpu, mem) in VCPU_MEMORY_ROWS.items():
        if t not in rows:
            raise SystemExit(f"{t} has vCPU and memory but is not in the EKS AMI's tables")
        rows[t].update({"vcpu": vcpu, "memory_mib": int(mem * 1024)})
    # EC2's own figures, through Karpenter's reference, for every type it
    # lists; where the pages above gave a figure, the two must agree.
    for line in (SOURCES / "instance-sizes.tsv").read_text().splitlines():
        if line.startswith("#") or line.startswith("type\t"):
            continue
        t, vcpu, mib, gpus = line.split("\t")
        if t not in rows:
            continue
        row = rows[t]
        got = {"vcpu": int(vcpu), "memory_mib": int(mib)}
        for k, v in got.items():
            if k in row and row[k] != v:
                raise SystemExit(f"{t}: {k} is {row[k]} by the EC2 pages and {v} by EC2")
        row.update(got)
        if int(gpus) > 0:
            row["gpus"] = int(gpus)
    out = {
        "source": "awslabs/amazon-eks-ami: templates/shared/runtime/eni-max-pods.txt (2377b69a, 2026-02-27) "
                  "and nodeadm/internal/kubelet/instance-info.jsonl (4d63a3bc, 2026-07-01), copied under "
                  "stdlib/data/gen/sources; architecture by EC2's instance naming conventions; accelerators "
                  "from EC2's accelerated computing families; vCPUs, memory and GPUs from EC2's "
                  "DescribeInstanceTypes via aws/karpenter-provider-aws's instance type reference (1d927085, "
                  "2026-08-21), or the EC2 instance type pages. Regenerate with stdlib/data/gen/instance_types.py",
        "as_of": "2026-07-01",
        "graviton_option": "g",
        "rows": dict(sorted((t, dict(sorted(r.items()))) for t, r in rows.items())),
    }
    path = HERE.parent / "instance_types.json"
    # One row a line keeps the 1,400-row table reviewable in a diff.
    lines = [f"  {json.dumps(t)}: {json.dumps(r)}" for t, r in out["rows"].items()]
    text = "{\n"
    for key in ["source", "as_of", "graviton_option"]:
        text += f" {json.dumps(key)}: {json.dumps(out[key])},\n"
    text += " \"rows\": {\n" + ",\n".join(lines) + "\n }\n}\n"
    json.loads(text)
    path.write_text(text)
    print(f"{len(rows)} instance types")


if __name__ == "__main__":
    main()
