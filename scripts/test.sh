#!/usr/bin/env bash
# npm test: every test on the embedded store, then the store tests again on
# Neo4j (vitest projects "embedded" and "neo4j", see vite.config.ts).
# Neo4j is the one at NEO4J_URI when set (its database is wiped); otherwise,
# where Java and Maven are installed, a throwaway local one started here with
# scripts/neo4j on a free port and stopped at the end, even on failure; without
# Java and Maven, or with ECOGRAPH_TEST_NEO4J=off, the Neo4j tests are reported
# as skipped; ECOGRAPH_TEST_NEO4J=required (CI) fails instead. Arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${ECOGRAPH_TEST_NEO4J:-on}"
if [[ -z "${NEO4J_URI:-}" && "$mode" == required ]] && ! { command -v java && command -v mvn; } >/dev/null; then
  echo "npm test: ECOGRAPH_TEST_NEO4J=required, but Java or Maven is missing: cannot start Neo4j for the store tests" >&2
  exit 1
fi
if [[ -z "${NEO4J_URI:-}" && "$mode" != off ]] && command -v java >/dev/null && command -v mvn >/dev/null; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/ecograph-test-neo4j.XXXXXX")"
  port="$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
  export NEO4J_USER=neo4j NEO4J_PASSWORD=ecograph-test
  echo "npm test: starting Neo4j for the store tests on bolt://127.0.0.1:$port (the first run downloads it with Maven; log: $dir/neo4j.log)"
  started=$SECONDS
  DATA_DIR="$dir" NEO4J_BOLT_PORT="$port" bash scripts/neo4j/run.sh >"$dir/neo4j.log" 2>&1 &
  neo4j_pid=$!
  # On any exit (tests failed, Ctrl-C): stop Neo4j cleanly, drop its data, keep the tests' exit status.
  stop_neo4j() {
    local status=$?
    kill "$neo4j_pid" 2>/dev/null || true
    wait "$neo4j_pid" 2>/dev/null || true
    rm -rf "$dir"
    exit "$status"
  }
  trap stop_neo4j EXIT
  until grep -q '^neo4j: ready on' "$dir/neo4j.log"; do
    if ! kill -0 "$neo4j_pid" 2>/dev/null || (( SECONDS - started > 900 )); then
      echo "npm test: Neo4j did not start:" >&2
      tail -n 30 "$dir/neo4j.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "npm test: Neo4j ready in $(( SECONDS - started )) s"
  export NEO4J_URI="bolt://127.0.0.1:$port"
fi

npx vitest run "$@"
