#!/usr/bin/env bash
# What a full pool costs: a 10,000-address pool is filled by 10,000 perfdhcp clients, then 50,000 new
# clients ask for addresses at 8000/s for 10 s (none can get one). Prints the server's CPU time over
# those 10 s. Everything runs in two network namespaces this script creates and deletes; the server is
# stopped by its PID.
#   sudo scripts/bench/dhcp/exhausted-pool.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=common.sh
source "$ROOT/scripts/bench/dhcp/common.sh"
WORK=$(mktemp -d /tmp/sparetire-dhcp-exhaust.XXXXXX)
SRV=stb-exh-srv-$$
CLI=stb-exh-cli-$$
PID=""
cleanup() {
    PID=${SPARETIRE_PID:-$PID}
    [[ -n "$PID" ]] && { kill "$PID" 2>/dev/null || true; sleep 0.5; kill -9 "$PID" 2>/dev/null || true; }
    ip netns del "$SRV" 2>/dev/null || true
    ip netns del "$CLI" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
for tool in ip perfdhcp java mvn; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
(cd "$ROOT" && mvn -B -q -pl modules/dhcp -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/cp" >/dev/null)
CP="$ROOT/modules/dhcp/target/test-classes:$ROOT/modules/dhcp/target/classes:$(cat "$WORK/cp")"

bench_namespaces "$SRV" "$CLI"
mkdir -p "$WORK/run"
start_sparetire_server "$ROOT" "$SRV" "$WORK" "$CP" 10.77.39.9
PID=$SPARETIRE_PID
ip netns exec "$CLI" perfdhcp -4 -l 10.77.0.2 -r 8000 -R 10000 -p 4 -b mac=00:0c:09:00:00:00 10.77.0.1 \
    > "$WORK/fill.txt" 2>&1 || true
bound=$(grep -c '^bound' "$WORK/run/sparetire.leases" || true)
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$PID/stat")
ip netns exec "$CLI" perfdhcp -4 -l 10.77.0.2 -r 8000 -R 50000 -p 10 10.77.0.1 > "$WORK/load.txt" 2>&1 || true
read -r u2 s2 < <(awk '{print $14, $15}' "/proc/$PID/stat")
hz=$(getconf CLK_TCK)
echo "pool of 10000 filled ($bound bound lines); then 10 s of new clients at 8000/s:"
echo "server CPU: user $(( (u2 - u1) * 1000 / hz )) ms, system $(( (s2 - s1) * 1000 / hz )) ms; $(grep -E '^Rate' "$WORK/load.txt")"
