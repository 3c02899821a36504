#!/usr/bin/env bash
# The "Moves" figures of docs/benchmarks.md: a move's initial copy (logical replication) against a plain
# COPY TO | COPY FROM between the same two embedded PostgreSQL 17 servers, and the write freeze of cut-overs
# under a writer. ROWS (default 1000000) items plus ROWS/2 rows without a primary key; FREEZES cut-overs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000}"
FREEZES="${FREEZES:-10}"
./mvnw -B -o -q test -Dtest=MoveBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.rows="$ROWS" -Dbench.freezes="$FREEZES" 2>&1 | grep '^\[MoveBenchmark\]' || {
  echo "MoveBenchmark failed; see target/surefire-reports/io.codebase.registry.provisioning.MoveBenchmark.txt" >&2
  exit 1
}
