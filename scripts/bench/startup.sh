#!/usr/bin/env bash
# Time from launch to "ready" (every socket bound), for the runnable jar on the embedded default config
# moved to free loopback ports. Prints each run and the median. Bounded: RUNS runs, 60 s each at most.
#   scripts/bench/startup.sh [RUNS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$repo/modules/app/target/sparetire.jar"
runs="${1:-10}"
[[ -f "$jar" ]] || (cd "$repo" && mvn -B -q -DskipTests package)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

ready_ms=()   # as the JVM measures it: JVM start -> all sockets bound
wall_ms=()    # as a user sees it: exec -> "ready" line printed
for ((i = 1; i <= runs; i++)); do
  log="$work/run$i.log"
  start=$(date +%s%N)
  java -jar "$jar" serve --tftp-port "$(free_port)" --syslog-port "$(free_port)" --pid-file "$work/pid" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    grep -q "ready in" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  end=$(date +%s%N)
  if ! grep -q "ready in" "$log"; then
    echo "run $i: not ready"; cat "$log"; kill "$pid" 2>/dev/null || true; exit 1
  fi
  jvm=$(grep -o 'ready in [0-9]* ms' "$log" | grep -o '[0-9]*')
  wall=$(( (end - start) / 1000000 ))
  ready_ms+=("$jvm"); wall_ms+=("$wall")
  echo "run $i: ready ${jvm} ms after JVM start, ${wall} ms wall ($(grep -o '([a-z]* transport)' "$log"))"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
echo "median over $runs runs: ready $(median "${ready_ms[@]}") ms after JVM start, $(median "${wall_ms[@]}") ms wall-clock (target < 1000 ms)"
echo "java: $(java -version 2>&1 | head -1); cores: $(nproc)"
