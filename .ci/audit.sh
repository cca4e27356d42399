#!/usr/bin/env bash
# Dependency advisories (security plan T-22): `cargo audit` against the RustSec advisory
# database supplied beside the repository (../shared/advisory-db, a dated snapshot without
# git history), offline. Fails on any vulnerability; warnings (unmaintained, unsound) are
# printed. Installs cargo-audit if missing. PATHWAYS_ADVISORY_DB overrides the path.
set -euo pipefail
cd "$(dirname "$0")/.."

db="${PATHWAYS_ADVISORY_DB:-../shared/advisory-db}"
if [ ! -d "$db/crates" ]; then
  echo "no advisory database at $db" >&2
  exit 1
fi

if ! command -v cargo-audit >/dev/null; then
  cargo install cargo-audit --locked --version 0.22.0
fi

# --no-fetch: never reach the network; --stale: the snapshot is not a git checkout that
# could be updated, and its age is the supplier's to manage.
cargo audit --db "$db" --no-fetch --stale --file Cargo.lock
