#!/usr/bin/env bash
# npm run neo4j: a local Neo4j Community 5.26 on bolt://127.0.0.1:7687 (or the
# port of NEO4J_BOLT_PORT / NEO4J_URI), data under DATA_DIR/neo4j, in the
# foreground until Ctrl-C or SIGTERM. The first run downloads Neo4j's jars with
# Maven and compiles the launcher; later runs start straight from them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
classpath="$here/target/classpath.txt"
if [[ ! -f "$classpath" || "$here/pom.xml" -nt "$classpath" || "$here/src/main/java/ecograph/Neo4jLauncher.java" -nt "$classpath" ]]; then
  echo "neo4j: building the launcher with Maven (the first run downloads Neo4j 5.26: a minute or more)..."
  # Debian's Maven prints colour resets even in batch mode: dropped.
  mvn -q -B -f "$here/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$classpath" 2>&1 | sed 's/\x1b\[0m//g'
  touch "$classpath" # Maven leaves an unchanged classpath file as it was: mark it built.
fi
# Modest memory: the page cache is set by the launcher (NEO4J_PAGECACHE_MB, default 256).
exec java -Xms256m -Xmx"${NEO4J_HEAP:-1g}" -XX:+UseG1GC -cp "$here/target/classes:$(cat "$classpath")" ecograph.Neo4jLauncher
