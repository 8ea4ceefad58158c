#!/usr/bin/env bash
# Installs the outside oracles the test suite leans on (cfn-lint, checkov,
# moto's server, kubernetes-validate) into a venv at the repository root. Idempotent: a venv that
# already has the pinned versions is left alone, so local reruns cost nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv"
want="cfn-lint==1.58.0 checkov==3.3.30 moto[server,cloudformation]==5.2.5 kubernetes-validate==1.37.0"
stamp="$venv/.cairn-oracles"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# shellcheck disable=SC2086
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check $want
echo "$want" > "$stamp"
