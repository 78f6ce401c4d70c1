#!/usr/bin/env bash
# DHCP 4-way exchange rate: sparetire (journal, and PostgreSQL lease store) vs dnsmasq vs Kea (memfile),
# driven by Kea's perfdhcp.
#
# Everything runs inside two network namespaces this script creates and deletes (server side and
# client side, joined by a veth pair); no packet reaches a real interface. Each load run is bounded by
# perfdhcp's -p (seconds), and every process this script starts is stopped by its own PID.
#
#   sudo scripts/bench/dhcp/run.sh                 # rates 1000 2000 4000 8000, 10 s each
#   sudo scripts/bench/dhcp/run.sh --write         # also replace the DHCP block of docs/benchmarks.md
#   RATES="2000 16000" PERIOD=5 sudo scripts/bench/dhcp/run.sh
#   SERVERS="sparetire kea" RATES=8000 sudo scripts/bench/dhcp/run.sh   # a subset, for a quick check
#   SERVERS="sparetire sparetire_pg" sudo scripts/bench/dhcp/run.sh      # the journal beside the PostgreSQL store
#   REPEAT=3 sudo scripts/bench/dhcp/run.sh --write  # every cell the median of 3 runs, with the range beside it
#   PIN=0 sudo scripts/bench/dhcp/run.sh           # let the scheduler place everything (the default pins)
#   JAVA_EXTRA="-Xlog:gc:file=/tmp/gc.log" SERVERS=sparetire sudo scripts/bench/dhcp/run.sh   # more JVM options
#   LOADGEN=dhcpload RATES="16000 24000 32000" sudo scripts/bench/dhcp/run.sh --write   # the lighter generator
#   PERFDHCP_RCVBUF=0 sudo scripts/bench/dhcp/run.sh  # perfdhcp with its own (default-sized) receive buffer
#   KEEP_WORK=1 sudo scripts/bench/dhcp/run.sh     # keep the work folder (server logs, perfdhcp output) at the end
#
# LOADGEN=dhcpload drives the same relayed 4-way exchange with dhcpload.c (built here with gcc) instead of
# perfdhcp: on a 2-core machine perfdhcp needs its whole core at about 14,000 exchanges/s and then loses
# replies in its own socket, so past that rate it measures itself, not the server. Every run prints the
# load generator's CPU time, which tells whether it kept up; --write fills the block of the generator used.
#
# perfdhcp never sizes its receive buffer, so it gets net.core.rmem_default (208 KiB, a few hundred
# replies) and drops the replies of a server that answers in bursts (a read burst's OFFERs, a group
# commit's ACKs) in its own socket. rcvbuf.c, preloaded into perfdhcp only, gives its UDP sockets the same
# 8 MiB that dhcpload asks for (PERFDHCP_RCVBUF bytes; 0 leaves perfdhcp as it is). Every server faces
# the same generator either way; the overflow counts printed for each run show which side dropped.
#
# With PIN=1 (the default) perfdhcp runs on CPU 0 and the server on CPU 1 (taskset), so no server can
# take CPU from the load generator and make it miss replies that were sent; each server is then measured
# on one core of its own, as the syslog benchmark does.
#
# Per-lease logging is off in all three servers (each one's quiet setting), so the figures compare lease
# handling, not log formatting.
#
# sparetire_pg is sparetire with dhcp.lease-store: postgresql, on a throwaway cluster of Debian's
# PostgreSQL started in the server namespace (its loopback), fsync and synchronous_commit on: every ACK
# waits for its transaction's commit as the journal's ACKs wait for fdatasync.
#
# Needs: root, iproute2, kea-admin (perfdhcp), dnsmasq-base, kea-dhcp4-server, postgresql, a JDK 17 and Maven
# (the module and what it depends on are built first, so a fresh clone works).
set -euo pipefail

RATES=${RATES:-"1000 2000 4000 8000"}
PERIOD=${PERIOD:-10}
SERVERS=${SERVERS:-"sparetire sparetire_pg dnsmasq kea"}
CLIENTS=${CLIENTS:-50000}
PIN=${PIN:-1}
REPEAT=${REPEAT:-1}
LOADGEN=${LOADGEN:-perfdhcp}
PERFDHCP_RCVBUF=${PERFDHCP_RCVBUF:-$((8 << 20))}
[[ $LOADGEN == perfdhcp || $LOADGEN == dhcpload ]] || { echo "LOADGEN is perfdhcp or dhcpload" >&2; exit 2; }
CLIENT_CPU=(); SERVER_CPU=()
if [[ $PIN == 1 ]]; then CLIENT_CPU=(taskset -c 0); SERVER_CPU=(taskset -c 1); fi
WRITE=0
[[ "${1:-}" == "--write" ]] && WRITE=1

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=common.sh
source "$ROOT/scripts/bench/dhcp/common.sh"
WORK=$(mktemp -d /tmp/sparetire-dhcp-bench.XXXXXX)
SRV=stb-dhcp-srv-$$
CLI=stb-dhcp-cli-$$
PIDS=()

for tool in ip perfdhcp dnsmasq kea-dhcp4 java mvn gcc; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see the header of $0)" >&2; exit 2; }
done

cleanup() {
    # a server that never became ready is not in PIDS yet
    [[ -n "${SPARETIRE_PID:-}" ]] && PIDS+=("$SPARETIRE_PID")
    for pid in "${PIDS[@]:-}"; do
        [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
    done
    sleep 0.5
    for pid in "${PIDS[@]:-}"; do
        [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
    done
    pg_stop
    ip netns del "$SRV" 2>/dev/null || true
    ip netns del "$CLI" 2>/dev/null || true
    [[ ${KEEP_WORK:-0} == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT

echo "building the dhcp module..." >&2
(cd "$ROOT" && mvn -B -q -pl modules/dhcp -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/cp" >/dev/null)
gcc -O2 -Wall -o "$WORK/dhcpload" "$ROOT/scripts/bench/dhcp/dhcpload.c"
gcc -O2 -Wall -shared -fPIC -o "$WORK/rcvbuf.so" "$ROOT/scripts/bench/dhcp/rcvbuf.c" -ldl
PERFDHCP=(perfdhcp)
if ((PERFDHCP_RCVBUF > 0)); then
    PERFDHCP=(env LD_PRELOAD="$WORK/rcvbuf.so" RCVBUF_BYTES="$PERFDHCP_RCVBUF" perfdhcp)
fi
CP="$ROOT/modules/dhcp/target/test-classes:$ROOT/modules/dhcp/target/classes:$(cat "$WORK/cp")"

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
bench_namespaces "$SRV" "$CLI"

start_sparetire() {
    start_sparetire_server "$ROOT" "$SRV" "$WORK" "$CP" 10.77.255.250
    PIDS+=("$SPARETIRE_PID")
    unset SPARETIRE_PID
}

start_dnsmasq() {
    # --no-ping: sparetire's ping check is off by default too
    ip netns exec "$SRV" ${SERVER_CPU[@]+"${SERVER_CPU[@]}"} dnsmasq -d -k --port=0 --conf-file=/dev/null --interface=vsrv --bind-interfaces \
        --user=root --pid-file= --no-ping --quiet-dhcp --dhcp-lease-max=70000 \
        --dhcp-range=10.77.0.10,10.77.255.250,255.255.0.0,1h \
        --dhcp-leasefile="$WORK/run/dnsmasq.leases" --log-facility="$WORK/run/server.log" &
    PIDS+=($!)
    sleep 1
}

start_kea() {
    cat > "$WORK/kea.json" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "vsrv" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/run/kea-leases4.csv", "lfc-interval": 0 },
    "multi-threading": { "enable-multi-threading": false },
    "valid-lifetime": 3600,
    "subnet4": [ { "id": 1, "subnet": "10.77.0.0/16", "pools": [ { "pool": "10.77.0.10 - 10.77.255.250" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$WORK/run/server.log" } ], "severity": "WARN" } ]
} }
JSON
    KEA_PIDFILE_DIR="$WORK/run" KEA_LOCKFILE_DIR="$WORK/run" ip netns exec "$SRV" ${SERVER_CPU[@]+"${SERVER_CPU[@]}"} kea-dhcp4 -c "$WORK/kea.json" \
        > "$WORK/run/kea.out" 2>&1 &
    PIDS+=($!)
    sleep 2
}

start_sparetire_pg() {
    [[ -n "${PG_DIR:-}" ]] || pg_start "$SRV"
    pg_sql "DROP TABLE IF EXISTS dhcp_lease; DROP TABLE IF EXISTS schema_version" >/dev/null
    start_sparetire_server "$ROOT" "$SRV" "$WORK" "$CP" 10.77.255.250 \
        "lease-store: {type: postgresql, url: \"$PG_URL\", user: sparetire, password-file: $PG_PASSWORD_FILE}"
    PIDS+=("$SPARETIRE_PID")
    unset SPARETIRE_PID
}

# bound leases the server under test has made durable so far
bound_leases() {
    if [[ $1 == sparetire_pg ]]; then
        pg_sql "SELECT count(*) FROM dhcp_lease WHERE state = 'bound'"
    else
        grep -c '^bound' "$WORK/run/sparetire.leases" || true
    fi
}

stop_last() {
    local pid=${PIDS[-1]}
    exec 9>&- || true
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    unset 'PIDS[-1]'
}

# UDP datagrams a namespace's kernel dropped because a socket's receive queue was full
rcvbuf_errors() {
    ip netns exec "$1" awk '/^Udp:/ {if (!h) {for (i = 1; i <= NF; i++) col[$i] = i; h = 1} else print $col["RcvbufErrors"]}' /proc/net/snmp
}

# user + system CPU time of a process and all its threads, in clock ticks
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat"
}

# the same for the PostgreSQL cluster of sparetire_pg (postmaster and its children: the backends of the
# store's pool persist through a run), 0 for the other servers: it is part of that server's work
pg_cpu_ticks() {
    [[ $1 == sparetire_pg && -n "${PG_DIR:-}" ]] || { echo 0; return; }
    local master pid t=0
    master=$(head -1 "$PG_DIR/data/postmaster.pid")
    for pid in "$master" $(pgrep -P "$master" || true); do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

# one load run: prints "rate acks drops client-cpu-ms latency"
load() {
    local rate=$1 period=$2 out
    local cli0 srv0
    cli0=$(rcvbuf_errors "$CLI"); srv0=$(rcvbuf_errors "$SRV")
    local got acks drops cpu_ms latency="-"
    if [[ $LOADGEN == perfdhcp ]]; then
        # -W: after the period, 1 s more to receive replies (as long as perfdhcp's drop time), sending nothing.
        # The python wrapper reports perfdhcp's CPU time (its children's rusage) on the last line.
        out=$(ip netns exec "$CLI" ${CLIENT_CPU[@]+"${CLIENT_CPU[@]}"} python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"client-cpu-ms={int((r.ru_utime + r.ru_stime) * 1000)}")' \
            "${PERFDHCP[@]}" -4 -l 10.77.0.2 -r "$rate" -R "$CLIENTS" -p "$period" -W 1000000 10.77.0.1 2>&1 || true)
        acks=$(echo "$out" | awk '/^\*\*\*Statistics for: REQUEST-ACK/{f=1} f&&/^received packets:/{print $3; exit}')
        drops=$(echo "$out" | awk '/^\*\*\*Statistics for: REQUEST-ACK/{f=1} f&&/^drops:/{print $2; exit}')
        cpu_ms=$(echo "$out" | sed -n 's/^client-cpu-ms=//p')
    else
        # the same 1 s after the period for late replies
        out=$(ip netns exec "$CLI" ${CLIENT_CPU[@]+"${CLIENT_CPU[@]}"} "$WORK/dhcpload" -l 10.77.0.2 -s 10.77.0.1 \
            -r "$rate" -p "$period" -R "$CLIENTS" -W 1000 2>&1 || true)
        kv() { echo "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
        acks=$(kv acks)
        drops=$(( $(kv requests) - ${acks:-0} - $(kv naks) ))
        cpu_ms=$(python3 -c "print(int($(kv cpu-s) * 1000))")
        latency="$(kv latency-p50-ms)/$(kv latency-p99-ms)"
    fi
    echo "$out" > "$WORK/$LOADGEN-$CURRENT-$rate.txt"
    echo "  $CURRENT $rate/s: receive-queue overflows: client side $(( $(rcvbuf_errors "$CLI") - cli0 )), server side $(( $(rcvbuf_errors "$SRV") - srv0 ))" >&2
    echo "  $CURRENT $rate/s: load generator CPU during the run ${cpu_ms:-?} ms" >&2
    # Completed exchanges per second of load. perfdhcp's own "Rate" divides by the period plus the exit
    # wait, and without the wait it counts the replies still in flight when it stops as lost.
    got=$(python3 -c "print(f'{${acks:-0} / $period:.1f}')")
    echo "${got:-0} ${acks:-0} ${drops:-0} ${cpu_ms:-0} $latency"
}

declare -A RESULT
# Rates outer, then repetitions, servers inner: a machine whose load drifts during the run treats all
# three alike.
for rate in $RATES; do
  for ((rep = 1; rep <= REPEAT; rep++)); do
    for server in $SERVERS; do
        rm -rf "$WORK/run"; mkdir -p "$WORK/run"
        CURRENT=$server
        "start_$server"
        before=0
        if [[ $server == sparetire* ]]; then
            # JIT warm-up in the same JVM, with other clients (-b) so the measured run starts from scratch
            ip netns exec "$CLI" ${CLIENT_CPU[@]+"${CLIENT_CPU[@]}"} "${PERFDHCP[@]}" -4 -l 10.77.0.2 -r 4000 -R 10000 -p 20 -b mac=00:0c:02:00:00:00 10.77.0.1 \
                > "$WORK/warmup.txt" 2>&1 || true
            if [[ $server == sparetire_pg ]]; then
                # The warm-up's rows leave the database work to do (autovacuum, a checkpoint) that would
                # land in the measured run: done here, so the run measures the exchanges.
                pg_sql "VACUUM ANALYZE dhcp_lease" >/dev/null
                pg_sql "CHECKPOINT" >/dev/null
            fi
            before=$(bound_leases "$server")
        fi
        server_pid=${PIDS[-1]}
        cpu0=$(cpu_ticks "$server_pid"); pgcpu0=$(pg_cpu_ticks "$server")
        read -r got acks drops client_ms latency < <(load "$rate" "$PERIOD")
        pg_ms=$(( ($(pg_cpu_ticks "$server") - pgcpu0) * 1000 / $(getconf CLK_TCK) ))
        cpu_ms=$(( ($(cpu_ticks "$server_pid") - cpu0) * 1000 / $(getconf CLK_TCK) + pg_ms ))
        echo "  $server $rate/s: server CPU during the run ${cpu_ms} ms (PostgreSQL's share ${pg_ms} ms), $(python3 -c "print(f'{$cpu_ms * 1000 / max(1, ${acks:-0}):.0f}')") us per ACK" >&2
        durable="-"
        stop_last
        if [[ $server == sparetire* ]]; then
            bound=$(bound_leases "$server")
            durable="$((bound - before)) bound for $acks ACKs"
        fi
        RESULT[$server,$rate]+="$got|$acks|$drops|$durable|$client_ms|$cpu_ms|$latency;"
        echo "$server offered=$rate/s run $rep exchanges=$got/s acks=$acks request-drops=$drops journal=$durable client-cpu=${client_ms}ms latency-ms(p50/p99)=$latency" >&2
    done
  done
done

# The runs of one cell, "got|acks|drops|durable;..." -> "median|min|max|drops of the median run"
median_run() {
    python3 - "$1" <<'PY'
import sys
runs = [r.split('|') for r in sys.argv[1].split(';') if r]
runs.sort(key=lambda r: float(r[0]))
mid = runs[(len(runs) - 1) // 2]
print(f"{mid[0]}|{runs[0][0]}|{runs[-1][0]}|{mid[2]}")
PY
}

{
    if [[ $LOADGEN == perfdhcp ]]; then
        GEN_NAME="perfdhcp"
        echo "perfdhcp (Kea 2.2) 4-way DORA exchanges per second, relayed, $CLIENTS clients, ${PERIOD}s per run,"
        if ((PERFDHCP_RCVBUF > 0)); then
            echo "perfdhcp's UDP receive buffer set to $((PERFDHCP_RCVBUF >> 20)) MiB by scripts/bench/dhcp/rcvbuf.c (LD_PRELOAD), as dhcpload sets its own,"
        else
            echo "perfdhcp's UDP receive buffer left at net.core.rmem_default ($(sysctl -n net.core.rmem_default) bytes),"
        fi
    else
        GEN_NAME="dhcpload"
        echo "dhcpload (scripts/bench/dhcp/dhcpload.c: the same relayed DORA as perfdhcp, with batched system calls"
        echo "and an 8 MiB receive buffer, so it keeps up where perfdhcp runs out of its core) 4-way exchanges per"
        echo "second, $CLIENTS clients, ${PERIOD}s per run,"
    fi
    echo "server and load generator in two namespaces on one veth; $(nproc) cores, $(uname -r)."
    if [[ $PIN == 1 ]]; then
        echo "$GEN_NAME runs on CPU 0 and each server on CPU 1 (taskset), so a server cannot starve the load generator."
    fi
    echo "sparetire fsyncs its journal before every ACK leaves (group commit); with the PostgreSQL store every"
    echo "OFFER and ACK waits for the commit of its claim (one transaction and one statement per burst, fsync and synchronous_commit on,"
    echo "database on the server's loopback); dnsmasq and Kea memfile write their lease files without an fsync per lease. Per-lease logging is off in all three (WARN level,"
    echo "--quiet-dhcp), ping checks off; sparetire's JVM is warmed up first (20 s of other clients at 4000/s, so the JIT has finished),"
    echo "and for sparetire_pg the database then vacuums, analyzes and checkpoints what the warm-up wrote."
    echo "Load average when the run started: $LOAD. Reproduce: \`sudo LOADGEN=$LOADGEN$([[ $LOADGEN == perfdhcp ]] && echo " PERFDHCP_RCVBUF=$PERFDHCP_RCVBUF") RATES=\"$RATES\" REPEAT=$REPEAT scripts/bench/dhcp/run.sh\`."
    echo
    echo "Cells: completed 4-way exchanges per second (ACKs received / ${PERIOD} s; $GEN_NAME waits 1 s after the"
    echo "period for late replies), and in brackets the REQUESTs that got no ACK."
    if ((REPEAT > 1)); then
        echo "Each cell is the median of $REPEAT runs (the drops are the median run's), with the lowest and highest"
        echo "run beside it; the servers take turns within each repetition."
    fi
    echo
    echo "| offered rate | sparetire (journal) | sparetire (PostgreSQL 15) | dnsmasq 2.90 | Kea 2.2 memfile (1 thread) |"
    echo "|---:|---:|---:|---:|---:|"
    for rate in $RATES; do
        row="| $rate/s"
        for server in sparetire sparetire_pg dnsmasq kea; do
            if [[ -z "${RESULT[$server,$rate]:-}" ]]; then row+=" | -"; continue; fi
            IFS='|' read -r got low high drops <<< "$(median_run "${RESULT[$server,$rate]}")"
            if ((REPEAT > 1)); then
                row+=" | $got ($low-$high; drops $drops)"
            else
                row+=" | $got (drops $drops)"
            fi
        done
        echo "$row |"
    done
    echo
    echo "Durability check (sparetire): every ACK $GEN_NAME received has a \`bound\` line in the journal, or a bound row in the database:"
    for rate in $RATES; do
      for server in sparetire sparetire_pg; do
        [[ -n "${RESULT[$server,$rate]:-}" ]] || continue
        lines=""
        IFS=';' read -ra runs <<< "${RESULT[$server,$rate]}"
        for run in "${runs[@]}"; do
            IFS="|" read -r got acks drops durable _ <<< "$run"
            lines+="${lines:+; }$durable"
        done
        # past CLIENTS exchanges perfdhcp starts over with the same clients: one row per client, the
        # journal a line per ACK
        [[ $server == sparetire_pg ]] && ((rate * PERIOD > CLIENTS)) && lines+=" (more exchanges than $CLIENTS clients: a row per client, not per ACK)"
        echo "- $server $rate/s: $lines"
      done
    done
    echo
    if [[ $LOADGEN == dhcpload ]]; then
        echo "CPU seconds of each run, load generator / server (dhcpload sleeps while it waits, so its figure is its"
        echo "work; a server near $((PERIOD + 1)) s had no CPU left), and DISCOVER-to-ACK latency p50/p99 in ms:"
    else
        echo "CPU seconds of each run, load generator / server (perfdhcp polls: from some rate on it uses its whole"
        echo "core whatever the server, so its figure shows when it has no CPU left, not how much work it did):"
    fi
    echo "sparetire_pg's server figure counts PostgreSQL's processes too. After each run, the server's CPU time per ACK received."
    for rate in $RATES; do
        for server in sparetire sparetire_pg dnsmasq kea; do
            [[ -n "${RESULT[$server,$rate]:-}" ]] || continue
            cells=""
            IFS=';' read -ra runs <<< "${RESULT[$server,$rate]}"
            for run in "${runs[@]}"; do
                IFS='|' read -r got acks drops durable client_ms server_ms latency <<< "$run"
                cell=$(python3 -c "print(f'{$client_ms / 1000:.1f} / {$server_ms / 1000:.1f}, {$server_ms * 1000 / max(1, $acks):.0f} us')")
                [[ $latency != "-" ]] && cell+=" ($latency)"
                cells+="${cells:+; }$cell"
            done
            echo "- $server $rate/s: $cells"
        done
    done
} > "$WORK/table.md"
cat "$WORK/table.md"

if [[ $WRITE == 1 ]]; then
    BLOCK=dhcp
    [[ $LOADGEN == dhcpload ]] && BLOCK=dhcp-dhcpload
    python3 - "$ROOT/docs/benchmarks.md" "$WORK/table.md" "$BLOCK" <<'PY'
import sys
doc, table, block = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
s = open(doc).read()
start, end = f'<!-- >>> {block} -->', f'<!-- <<< {block} -->'
i, j = s.index(start) + len(start), s.index(end)
open(doc, 'w').write(s[:i] + '\n' + table + s[j:])
PY
    echo "updated docs/benchmarks.md" >&2
fi
