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

# start_sparetire_server ROOT SRV WORK CP LAST_ADDRESS: a pool from 10.77.0.10 to LAST_ADDRESS, the lease
# journal in WORK/run, the launcher's JVM options (plus JAVA_EXTRA, for an experiment), on the CPUs that
# SERVER_CPU (a taskset prefix, if set) names. Its stdin stays open on a fifo (fd 9) so it runs until
# stopped by PID; sets SPARETIRE_PID and returns once it is ready.
start_sparetire_server() {
    local root=$1 srv=$2 work=$3 cp=$4 last=$5
    cat > "$work/sparetire.yaml" <<YAML
dhcp:
  enabled: true
  interfaces: [vsrv]
  rogue-check: {action: off}
  lease-file: $work/run/sparetire.leases
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
