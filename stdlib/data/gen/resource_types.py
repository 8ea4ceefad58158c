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
    props = schema.get("properties", {})
    prop = next((p for p in ("Tags", "FileSystemTags") if p in props), None)
    form = None
    if prop is not None:
        tags = props[prop]
        if tags.get("type") == "object":
            form = "map"
        else:
            ref = tags.get("items", {}).get("$ref", "").split("/")[-1]
            required = schema.get("definitions", {}).get(ref, {}).get("required", [])
            form = "list_propagate" if "PropagateAtLaunch" in required else "list"
    create_only = sorted(p.replace("/properties/", "") for p in schema.get("createOnlyProperties", []))
    entry = {"tags": form, "create_only": create_only}
    # A resource named by the template (its one primary identifier is a
    # property the template sets) cannot be replaced while the name stays:
    # CloudFormation refuses, as two resources cannot share the name.
    ids = schema.get("primaryIdentifier", [])
    read_only = set(schema.get("readOnlyProperties", []))
    if len(ids) == 1 and ids[0] not in read_only and ids[0].count("/") == 2:
        entry["name"] = ids[0].replace("/properties/", "")
    if prop not in (None, "Tags"):
        entry["tags_property"] = prop
    types[t] = entry

out = {
    "source": f"CloudFormation resource provider schemas shipped with cfn-lint {cfnlint_version}; regenerate with stdlib/data/gen/resource_types.py",
    "types": types,
}
(root / "data" / "resource_types.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
print(f"{len(types)} resource types")
