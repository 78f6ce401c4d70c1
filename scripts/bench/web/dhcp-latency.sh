#!/usr/bin/env bash
# DHCP DISCOVER->OFFER latency with the dashboard idle and with 8 HTTP clients on it: does a page view
# delay DHCP? The server (the runnable jar) runs in one network namespace with DHCP on its veth end and
# the dashboard on its own loopback; new DHCP clients (modules/app's DhcpLoadClient, one JVM) come from a
# second namespace at a steady rate; the HTTP load (curl loops on /metrics, /api/overview, /api/leases and
# one live stream per client) runs inside the server's namespace. No packet reaches a real interface;
# every loop is bounded by time and count, and every process is stopped by its own PID.
#
#   sudo scripts/bench/web/dhcp-latency.sh                         # this tree's jar
#   sudo JAR=/tmp/old/modules/app/target/sparetire.jar scripts/bench/web/dhcp-latency.sh   # another build
#   RATE=20 SECONDS_PER_RUN=20 HTTP_CLIENTS=8 sudo scripts/bench/web/dhcp-latency.sh
#
# Prints, per run, DISCOVER->OFFER p50/p90/p99/max over every client, unanswered exchanges, and the
# HTTP answer time p50/p99/max (curl's time_total) under load.
# Needs: root, iproute2, curl, a JDK 17 and Maven.
set -euo pipefail

RATE=${RATE:-20}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
HTTP_CLIENTS=${HTTP_CLIENTS:-8}
WARMUP=${WARMUP:-40}   # clients before the measured ones, while the JIT warms up; not counted
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$repo"
[[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces)" >&2; exit 1; }

work="$(mktemp -d)"
srv="st-bench-web-srv-$$"
cli="st-bench-web-cli-$$"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    ip netns del "$cli" 2>/dev/null || true
    ip netns del "$srv" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The load client and its class path come from this tree (-DskipTests still compiles the test classes);
# the server from JAR (default: this tree's).
mvn -B -q -pl modules/app -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp" >/dev/null
jar="${JAR:-$repo/modules/app/target/sparetire.jar}"
client_cp="$repo/modules/app/target/test-classes:$(cat "$work/cp")"

# shellcheck source=../dhcp/common.sh
source "$repo/scripts/bench/dhcp/common.sh"
bench_namespaces "$srv" "$cli"   # 10.77.0.1 (vsrv) and 10.77.0.2/16 (vcli)
# The clients broadcast to 255.255.255.255; a route for that address alone sends it out the veth.
ip -n "$cli" route add 255.255.255.255/32 dev vcli

clients=$((RATE * SECONDS_PER_RUN + WARMUP))
cat > "$work/sparetire.yaml" <<YAML
tftp: {enabled: false}
syslog: {enabled: false}
web: {bind: 127.0.0.1, port: 8069}
dhcp:
  enabled: true
  interfaces: [vsrv]
  rogue-check: {action: off}
  lease-file: $work/leases
  subnets:
    - network: 10.77.0.0/16
      ranges: [{from: 10.77.0.10, to: 10.77.7.250}]
      lease-time: 1h
YAML

percentiles() { # stdin: one number per line -> "p50 p90 p99 max" (nearest rank)
    sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "- - - -"; exit}
        split("50 90 99", q, " "); out="";
        for (i=1;i<=3;i++) {r=int((q[i]*NR+99)/100); if (r<1) r=1; out=out v[r] " "}
        print out v[NR]}'
}

run() { # run LABEL LOAD(0|1) PREFIX
    local label=$1 load=$2 prefix=$3
    rm -f "$work/leases"
    # shellcheck disable=SC2046 # the options file holds several words
    ip netns exec "$srv" java $(cat "$repo/scripts/jvm-options") -jar "$jar" serve -c "$work/sparetire.yaml" \
        > "$work/server-$label.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        ip netns exec "$srv" curl -s -o /dev/null http://127.0.0.1:8069/metrics && break
        sleep 0.1
    done
    local end pids=()
    # Warm-up: the dashboard was open before the clients came.
    for _ in $(seq 30); do
        for p in metrics api/overview api/leases; do
            ip netns exec "$srv" curl -s -o /dev/null "http://127.0.0.1:8069/$p"
        done
    done
    end=$((SECONDS + SECONDS_PER_RUN + 10))   # the clients' JVM start and warm-up, then the run
    if [[ $load == 1 ]]; then
        for i in $(seq "$HTTP_CLIENTS"); do
            ip netns exec "$srv" timeout $((SECONDS_PER_RUN + 10)) curl -sN -o /dev/null http://127.0.0.1:8069/api/events &
            pids+=($!)
            (
                n=0
                while ((SECONDS < end && n < 100000)); do
                    for p in metrics api/overview api/leases; do
                        ip netns exec "$srv" curl -s -o /dev/null -m 20 -w '%{time_total}\n' "http://127.0.0.1:8069/$p" \
                            >> "$work/http-$label.txt" || echo 20 >> "$work/http-$label.txt"
                    done
                    n=$((n + 1))
                done
            ) &
            pids+=($!)
        done
    fi
    ip netns exec "$cli" java -Xmx128m -cp "$client_cp" org.sparetire.app.load.DhcpLoadClient "$work/dhcp-$label.txt" \
        "$clients" "$RATE" "$prefix" 67 68 "$WARMUP" > "$work/client-$label.log" 2>&1 || cat "$work/client-$label.log" >&2
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    server_pid=""
    local lost offer http
    lost=$(awk -v w="$WARMUP" 'NR > w && ($3 == 0 || $4 == 0)' "$work/dhcp-$label.txt" | wc -l)
    offer=$(awk -v w="$WARMUP" 'NR > w && $3 > 0 {printf "%.2f\n", ($3 - $2) / 1e6}' "$work/dhcp-$label.txt" | percentiles)
    http="-"
    if [[ $load == 1 ]]; then
        http=$(awk '{printf "%.1f\n", $1 * 1000}' "$work/http-$label.txt" | percentiles | awk '{print $1 " / " $3 " / " $4}')
        http="$http ($(wc -l < "$work/http-$label.txt") answers)"
    fi
    printf '| %s | %s | %s | %s |\n' "$label" "$(echo "$offer" | awk '{print $1 " / " $2 " / " $3 " / " $4}')" \
        "$lost of $((clients - WARMUP))" "$http"
}

echo "jar: $jar; $RATE new clients/s for ${SECONDS_PER_RUN}s per run; $HTTP_CLIENTS HTTP clients under load"
echo "| run | DISCOVER->OFFER ms p50 / p90 / p99 / max | unanswered | HTTP ms p50 / p99 / max |"
echo "|---|---|---|---|"
run idle 0 02:21:00:0a
run load 1 02:21:00:0b
