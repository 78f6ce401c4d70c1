#!/usr/bin/env bash
# Dashboard figures: heap taken by a full history at the default limits, event ingestion rate, live
# feed fan-out to 8 browsers, and API latency. Loopback only; every loop is bounded and ends by itself.
# Usage: scripts/bench/web/run.sh   (from the repository; builds the web module's test classes first)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$repo"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor run with -am: a fresh clone has no sparetire module in ~/.m2 to resolve against.
mvn -B -q -pl modules/web -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null
exec java -Xmx1g -cp "modules/web/target/test-classes:modules/web/target/classes:$(cat "$cp_file")" \
  -Dlogback.configurationFile="$repo/modules/web/src/test/resources/logback-test.xml" \
  org.sparetire.web.bench.WebBench
