#!/usr/bin/env python3
"""Regenerates stdlib/data/resource_types.json from the CloudFormation
resource provider schemas that cfn-lint ships.

For every resource type a stdlib template uses: how it takes tags (a list of
Key/Value pairs, a map, or not at all), and its create-only properties (a
change to one replaces the resource). Run with the venv's python:

    .venv/bin/python stdlib/data/gen/resource_types.py
"""
import json
import pathlib
import re

import cfnlint
from cfnlint.version import __version__ as cfnlint_version

root = pathlib.Path(__file__).resolve().parents[2]
schemas = pathlib.Path(cfnlint.__file__).parent / "data" / "schemas"
providers = json.loads((schemas / "providers" / "us-east-1.json").read_text())

used = set()
for path in root.rglob("*.hbs"):
    used.update(re.findall(r'"Type":\s*"(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"', path.read_text()))

types = {}
for t in sorted(used):
    schema = json.loads((schemas / "resources" / (providers[t] + ".json")).read_text())
    tags = schema.get("properties", {}).get("Tags")
    form = None
    if tags is not None:
        form = "map" if tags.get("type") == "object" else "list"
    create_only = sorted(p.replace("/properties/", "") for p in schema.get("createOnlyProperties", []))
    types[t] = {"tags": form, "create_only": create_only}

out = {
    "source": f"CloudFormation resource provider schemas shipped with cfn-lint {cfnlint_version}; regenerate with stdlib/data/gen/resource_types.py",
    "types": types,
}
(root / "data" / "resource_types.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
print(f"{len(types)} resource types")
