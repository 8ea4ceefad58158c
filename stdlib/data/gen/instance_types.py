#!/usr/bin/env python3
"""Regenerates stdlib/data/instance_types.json.

Facts: vCPU and memory per size from the EC2 instance type pages; ENIs and
IPv4 addresses per ENI from 'Maximum IP addresses per network interface'
(docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html). Most
current families share one pattern per size; the exceptions are listed.
Max pods (enis * (ipv4_per_eni - 1) + 2) match the EKS AMI's table.

    python3 stdlib/data/gen/instance_types.py
"""
import json
import pathlib

SIZES = {  # size: (vcpu, enis, ipv4 per eni)
    "medium": (1, 2, 4), "large": (2, 3, 10), "xlarge": (4, 4, 15), "2xlarge": (8, 4, 15),
    "4xlarge": (16, 8, 30), "8xlarge": (32, 8, 30), "12xlarge": (48, 8, 30), "16xlarge": (64, 15, 50),
    "24xlarge": (96, 15, 50), "32xlarge": (128, 15, 50), "48xlarge": (192, 15, 50),
}
ALL = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]
GRAVITON = ["medium"] + ALL[:-1]
FAMILIES = {  # family: (arch, GiB per vCPU, sizes)
    "m5": ("x86_64", 4, ALL), "m5a": ("x86_64", 4, ALL),
    "m6i": ("x86_64", 4, ALL + ["32xlarge"]), "m6a": ("x86_64", 4, ALL + ["32xlarge", "48xlarge"]),
    "m7i": ("x86_64", 4, ALL + ["48xlarge"]), "m7a": ("x86_64", 4, ["medium"] + ALL + ["32xlarge", "48xlarge"]),
    "m6g": ("arm64", 4, GRAVITON), "m7g": ("arm64", 4, GRAVITON), "m8g": ("arm64", 4, GRAVITON + ["24xlarge", "48xlarge"]),
    "c5": ("x86_64", 2, ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
    "c6i": ("x86_64", 2, ALL + ["32xlarge"]), "c6a": ("x86_64", 2, ALL + ["32xlarge", "48xlarge"]),
    "c7i": ("x86_64", 2, ALL + ["48xlarge"]), "c7a": ("x86_64", 2, ["medium"] + ALL + ["32xlarge", "48xlarge"]),
    "c6g": ("arm64", 2, GRAVITON), "c7g": ("arm64", 2, GRAVITON), "c8g": ("arm64", 2, GRAVITON + ["24xlarge", "48xlarge"]),
    "r5": ("x86_64", 8, ALL), "r6i": ("x86_64", 8, ALL + ["32xlarge"]), "r6a": ("x86_64", 8, ALL + ["32xlarge", "48xlarge"]),
    "r7i": ("x86_64", 8, ALL + ["48xlarge"]), "r7a": ("x86_64", 8, ["medium"] + ALL + ["32xlarge", "48xlarge"]),
    "r6g": ("arm64", 8, GRAVITON), "r7g": ("arm64", 8, GRAVITON), "r8g": ("arm64", 8, GRAVITON + ["24xlarge", "48xlarge"]),
}
rows = {}
for fam, (arch, gib, sizes) in FAMILIES.items():
    for s in sizes:
        v, e, i = SIZES[s]
        rows[f"{fam}.{s}"] = {"vcpu": v, "memory_gib": v * gib, "arch": arch, "enis": e, "ipv4_per_eni": i}
# c5 has 9xlarge and 18xlarge instead of 8xlarge and 16xlarge.
rows["c5.9xlarge"] = {"vcpu": 36, "memory_gib": 72, "arch": "x86_64", "enis": 8, "ipv4_per_eni": 30}
rows["c5.18xlarge"] = {"vcpu": 72, "memory_gib": 144, "arch": "x86_64", "enis": 15, "ipv4_per_eni": 50}
BURST = {  # size: (vcpu, GiB, enis, ipv4 per eni)
    "nano": (2, 0.5, 2, 2), "micro": (2, 1, 2, 2), "small": (2, 2, 3, 4), "medium": (2, 4, 3, 6),
    "large": (2, 8, 3, 12), "xlarge": (4, 16, 4, 15), "2xlarge": (8, 32, 4, 15),
}
for fam, arch in [("t3", "x86_64"), ("t3a", "x86_64"), ("t4g", "arm64")]:
    for s, (v, m, e, i) in BURST.items():
        rows[f"{fam}.{s}"] = {"vcpu": v, "memory_gib": m, "arch": arch, "enis": e, "ipv4_per_eni": i}
rows["t3a.small"]["enis"] = 2  # t3a.small has two ENIs, unlike t3.small and t4g.small.
ACCEL = {  # type: (vcpu, GiB, enis, ipv4 per eni, accelerator)
    "g4dn.xlarge": (4, 16, 3, 10, "nvidia"), "g4dn.2xlarge": (8, 32, 3, 10, "nvidia"), "g4dn.4xlarge": (16, 64, 3, 10, "nvidia"),
    "g4dn.8xlarge": (32, 128, 4, 15, "nvidia"), "g4dn.12xlarge": (48, 192, 8, 30, "nvidia"), "g4dn.16xlarge": (64, 256, 4, 15, "nvidia"),
    "g5.xlarge": (4, 16, 4, 15, "nvidia"), "g5.2xlarge": (8, 32, 4, 15, "nvidia"), "g5.4xlarge": (16, 64, 8, 30, "nvidia"),
    "g5.8xlarge": (32, 128, 8, 30, "nvidia"), "g5.12xlarge": (48, 192, 15, 50, "nvidia"), "g5.16xlarge": (64, 256, 8, 30, "nvidia"),
    "g5.24xlarge": (96, 384, 15, 50, "nvidia"), "g5.48xlarge": (192, 768, 7, 50, "nvidia"),
    "g6.xlarge": (4, 16, 4, 15, "nvidia"), "g6.2xlarge": (8, 32, 4, 15, "nvidia"), "g6.4xlarge": (16, 64, 8, 30, "nvidia"),
    "g6.8xlarge": (32, 128, 8, 30, "nvidia"), "g6.12xlarge": (48, 192, 8, 30, "nvidia"), "g6.16xlarge": (64, 256, 15, 50, "nvidia"),
    "g6.24xlarge": (96, 384, 15, 50, "nvidia"), "g6.48xlarge": (192, 768, 15, 50, "nvidia"),
    "g6e.xlarge": (4, 32, 4, 15, "nvidia"), "g6e.2xlarge": (8, 64, 4, 15, "nvidia"), "g6e.4xlarge": (16, 128, 8, 30, "nvidia"),
    "g6e.8xlarge": (32, 256, 8, 30, "nvidia"), "g6e.12xlarge": (48, 384, 10, 30, "nvidia"), "g6e.16xlarge": (64, 512, 15, 50, "nvidia"),
    "g6e.24xlarge": (96, 768, 10, 50, "nvidia"), "g6e.48xlarge": (192, 1536, 10, 50, "nvidia"),
    "p4d.24xlarge": (96, 1152, 15, 50, "nvidia"), "p5.48xlarge": (192, 2048, 2, 50, "nvidia"),
    "inf2.xlarge": (4, 16, 4, 15, "neuron"), "inf2.8xlarge": (32, 128, 8, 30, "neuron"),
    "inf2.24xlarge": (96, 384, 15, 50, "neuron"), "inf2.48xlarge": (192, 768, 15, 50, "neuron"),
}
for t, (v, m, e, i, acc) in ACCEL.items():
    rows[t] = {"vcpu": v, "memory_gib": m, "arch": "x86_64", "enis": e, "ipv4_per_eni": i, "accelerator": acc}
out = {
    "source": "EC2 instance types and 'Maximum IP addresses per network interface' (docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html); max pods = enis * (ipv4_per_eni - 1) + 2, as in the EKS AMI's table. Regenerate with stdlib/data/gen/instance_types.py",
    "rows": dict(sorted(rows.items())),
}
path = pathlib.Path(__file__).resolve().parents[1] / "instance_types.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"{len(rows)} instance types")
