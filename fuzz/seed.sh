#!/usr/bin/env bash
# Seeds each fuzz target's corpus with every program of the repository.
# Then, for instance: cargo +nightly fuzz run check -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")/.."
for target in parse check fmt; do
  mkdir -p "fuzz/corpus/$target"
  find examples tests/cases -name '*.cairn' -print0 |
    while IFS= read -r -d '' f; do
      cp "$f" "fuzz/corpus/$target/$(echo "$f" | tr '/' '_')"
    done
done
