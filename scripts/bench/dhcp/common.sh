# Shared by the DHCP benchmarks (sourced, not run): the two namespaces and sparetire's server.

# bench_namespaces SRV CLI: server and client namespaces joined by one veth pair, 10.77.0.1 and 10.77.0.2/16.
bench_namespaces() {
    local srv=$1 cli=$2
    ip netns add "$srv"
    ip netns add "$cli"
    ip -n "$srv" link set lo up
    ip -n "$cli" link set lo up
    ip link add vsrv netns "$srv" type veth peer name vcli netns "$cli"
    ip -n "$srv" addr add 10.77.0.1/16 dev vsrv
    ip -n "$cli" addr add 10.77.0.2/16 dev vcli
    ip -n "$srv" link set vsrv up
    ip -n "$cli" link set vcli up
}

# start_sparetire_server ROOT SRV WORK CP LAST_ADDRESS [STORE_YAML]: a pool from 10.77.0.10 to LAST_ADDRESS,
# the lease journal in WORK/run (or the lease store STORE_YAML gives, a "lease-store: {...}" line), the
# launcher's JVM options (plus JAVA_EXTRA, for an experiment), on the CPUs that SERVER_CPU (a taskset
# prefix, if set) names. Its stdin stays open on a fifo (fd 9) so it runs until stopped by PID; sets
# SPARETIRE_PID and returns once it is ready.
start_sparetire_server() {
    local root=$1 srv=$2 work=$3 cp=$4 last=$5 store=${6:-"lease-store: {type: journal}"}
    cat > "$work/sparetire.yaml" <<YAML
dhcp:
  enabled: true
  interfaces: [vsrv]
  rogue-check: {action: off}
  lease-file: $work/run/sparetire.leases
  $store
  subnets:
    - network: 10.77.0.0/16
      ranges: [{from: 10.77.0.10, to: $last}]
      lease-time: 1h
YAML
    rm -f "$work/status"
    mkfifo "$work/run/stdin"
    # shellcheck disable=SC2046 # the options file holds several words
    ip netns exec "$srv" ${SERVER_CPU[@]+"${SERVER_CPU[@]}"} java $(cat "$root/scripts/jvm-options") ${JAVA_EXTRA:-} \
        -Dsparetire.dhcp.log=WARN -Dsparetire.dhcp.events=false -cp "$cp" org.sparetire.dhcp.it.ServerMain "$work/sparetire.yaml" \
        "$work/status" < "$work/run/stdin" > "$work/run/server.log" 2>&1 &
    SPARETIRE_PID=$!
    exec 9> "$work/run/stdin"
    for _ in $(seq 100); do [[ -f "$work/status" ]] && break; sleep 0.1; done
    grep -q READY "$work/status"
}

# A throwaway PostgreSQL cluster (Debian's postgresql package) for the shared lease store, inside the
# server namespace on its own loopback: pg_start SRV sets PG_DIR, PG_URL and PG_PASSWORD_FILE; pg_sql runs
# one statement over the Unix socket; pg_stop stops the cluster and deletes it.
pg_start() {
    local srv=$1 bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    PG_BIN=$bin
    PG_DIR=$(mktemp -d /tmp/sparetire-pg-bench.XXXXXX)
    PG_NS=$srv
    echo "bench-$$-$RANDOM" > "$PG_DIR/password"
    cp "$PG_DIR/password" "$PG_DIR/initdb-password"
    chown postgres "$PG_DIR" "$PG_DIR/initdb-password"
    chmod 600 "$PG_DIR/password"
    runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -U sparetire --pwfile="$PG_DIR/initdb-password" \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync -E UTF8 >/dev/null
    rm -f "$PG_DIR/initdb-password"
    # fsync and synchronous_commit stay on: a commit is on disk, as the journal's fdatasync is. The
    # database shares the server's CPUs (SERVER_CPU): it is part of the server side.
    ip netns exec "$srv" ${SERVER_CPU[@]+"${SERVER_CPU[@]}"} runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p 5432 -k $PG_DIR" start >/dev/null
    runuser -u postgres -- "$bin/createdb" -h "$PG_DIR" -p 5432 -U sparetire sparetire
    PG_URL=jdbc:postgresql://127.0.0.1:5432/sparetire
    PG_PASSWORD_FILE=$PG_DIR/password
}

pg_sql() {
    runuser -u postgres -- "$PG_BIN/psql" -h "$PG_DIR" -p 5432 -U sparetire -d sparetire -At -c "$1"
}

pg_stop() {
    [[ -n "${PG_DIR:-}" ]] || return 0
    ip netns exec "$PG_NS" runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=
}
