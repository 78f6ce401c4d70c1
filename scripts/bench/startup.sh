#!/usr/bin/env bash
# Time from launch to "ready" (every socket bound) on the embedded default config, moved to free ports
# (port 0) so it never collides. Each run starts the jar, waits for ready and exits at once
# (serve --exit-when-ready). Measured with and without the class-data-sharing archive that
# scripts/sparetire builds, and with SPARETIRE_IMAGE set, through the launcher of an unpacked Linux image
# (scripts/package) on its own jlink runtime. Bounded: RUNS runs of each kind.
#   scripts/bench/startup.sh [RUNS]
#   SPARETIRE_IMAGE=/tmp/sparetire-0.1.0-linux-x64 scripts/bench/startup.sh [RUNS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${SPARETIRE_JAR:-$repo/modules/app/target/sparetire.jar}"
cds="${jar%.jar}.jsa"
runs="${1:-10}"
[[ -f "$jar" ]] || (cd "$repo" && mvn -B -q -DskipTests package)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
args=(serve --tftp-port 0 --syslog-port 0 --web-port 0 --exit-when-ready --pid-file "$work/pid")
# The launcher's JVM options (scripts/jvm-options), for the training run and both rows.
read -r -a jvm_options <"$repo/scripts/jvm-options"

if [[ ! -f "$cds" ]]; then
  java -XX:ArchiveClassesAtExit="$cds" "${jvm_options[@]}" -jar "$jar" "${args[@]}" >/dev/null 2>&1
fi

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

measure() { # label, command that runs the jar (the serve arguments follow it)...
  local label="$1"; shift
  local ready=() wall=()
  for ((i = 1; i <= runs; i++)); do
    local start end log="$work/run.log"
    start=$(date +%s%N)
    timeout 60 "$@" "${args[@]}" >"$log" 2>&1
    end=$(date +%s%N)
    grep -q "ready in" "$log" || { echo "$label run $i: not ready"; cat "$log"; exit 1; }
    ready+=("$(grep -o 'ready in [0-9]* ms' "$log" | grep -o '[0-9]*')")
    wall+=("$(( (end - start) / 1000000 ))")
  done
  printf '%-22s ready after JVM start: median %4d ms (min %d, max %d); whole process incl. JVM start and stop: median %4d ms\n' \
    "$label" "$(median "${ready[@]}")" "$(printf '%s\n' "${ready[@]}" | sort -n | head -1)" \
    "$(printf '%s\n' "${ready[@]}" | sort -n | tail -1)" "$(median "${wall[@]}")"
}

echo "start-up, $runs runs each, $(nproc) cores, $(java -version 2>&1 | head -1)"
measure "with CDS (launcher)" java -XX:SharedArchiveFile="$cds" -Xshare:auto "${jvm_options[@]}" -jar "$jar"
measure "without CDS" java -Xshare:auto "${jvm_options[@]}" -jar "$jar"
if [[ -n "${SPARETIRE_IMAGE:-}" ]]; then
  measure "image (jlink runtime)" env -i PATH=/nonexistent "$SPARETIRE_IMAGE/bin/sparetire"
fi
echo "target: ready < 1000 ms after launch"
