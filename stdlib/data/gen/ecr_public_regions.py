#!/usr/bin/env python3
"""Regenerates stdlib/data/ecr_public_regions.json: the regions whose
CloudFormation resource provider schemas (as cfn-lint ships them, one list
of types per region) include AWS::ECR::PublicRepository. Amazon ECR Public
runs from us-east-1 alone, and the schemas say the same. Run with the
venv's python:

    .venv/bin/python stdlib/data/gen/ecr_public_regions.py
"""
import json
import pathlib

import cfnlint
from cfnlint.version import __version__ as cfnlint_version

TYPE = "AWS::ECR::PublicRepository"
root = pathlib.Path(__file__).resolve().parents[2]
providers = pathlib.Path(cfnlint.__file__).parent / "data" / "schemas" / "providers"

regions = sorted(
    p.stem for p in providers.glob("*.json") if TYPE in json.loads(p.read_text())
)
out = {
    # The region to suggest: ECR Public's home in the commercial partition
    # (public.ecr.aws is served from it); the others are isolated and
    # sovereign partitions' own.
    "home": "us-east-1",
    "source": f"the regions whose CloudFormation resource provider schemas (shipped with cfn-lint {cfnlint_version}) include {TYPE}; regenerate with stdlib/data/gen/ecr_public_regions.py",
    "service": "Amazon ECR Public",
    "regions": regions,
}
(root / "data" / "ecr_public_regions.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
print(f"{TYPE}: {', '.join(regions)}")
