#!/usr/bin/env bash
# Builds the CSV import fuzz target (security plan T-10) on stable Rust, without a
# sanitizer (the address sanitizer needs nightly). Installs cargo-fuzz if missing.
# PATHWAYS_FUZZ_SECONDS=N (default 0) also fuzzes for N seconds; the long run that CI
# does not do is documented in docs/SECURITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi

cargo fuzz build --sanitizer none csv_import

seconds="${PATHWAYS_FUZZ_SECONDS:-0}"
if [ "$seconds" -gt 0 ]; then
  mkdir -p fuzz/corpus/csv_import
  cargo fuzz run --sanitizer none csv_import fuzz/corpus/csv_import fuzz/seeds/csv_import -- \
    -dict=fuzz/csv_import.dict -max_total_time="$seconds" -timeout=2 -rss_limit_mb=512
fi
