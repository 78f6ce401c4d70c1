#!/usr/bin/env bash
# HTTP boot throughput and CPU: one 1 GiB file over HTTP from sparetire's http-boot service and from nginx
# (Debian package), the same curl fetching from each in turns, on loopback ports. Reports per server the
# median throughput and the median server CPU per GiB sent (utime+stime of the server's processes from
# /proc, before and after each download), user and system time apart.
#
# Usage: scripts/bench/http/run.sh [--write] [TURNS]   (default 7, at least 5; needs the jar:
#        mvn -B -q -pl modules/app -am package -DskipTests)
# --write    replaces the http-boot block of docs/benchmarks.md with this run's row (and system calls).
# WARMUP=3   uncounted downloads from each server first (the JVM compiles the send path during its first
#            few GiB; nginx is indifferent), then TURNS measured downloads each, the order alternating.
# PIN=1      (default) curl on CPU 0, each server with all its threads on CPU 1 (taskset): on loopback the
#            kernel's TCP work on the sending side costs about three times as much when sender and receiver
#            run on different CPUs as on the same one, so leaving placement to the scheduler makes the CPU
#            figure follow where it happened to put the two. PIN=0 leaves it to the scheduler.
# SYSCALLS=1 adds one download per server under strace -c (not timed) and prints the system calls the
#            server made for it: a count that does not depend on how loaded the machine is.
# nginx runs from its own temporary config on 127.0.0.1 and is stopped by its PID; so is sparetire.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
write=0
if [[ "${1:-}" == "--write" ]]; then write=1; shift; fi
turns="${1:-7}"
warmup="${WARMUP:-3}"
pin="${PIN:-1}"
syscalls="${SYSCALLS:-0}"
(( turns >= 5 )) || { echo "TURNS is at least 5 (medians of fewer say little on a shared machine)" >&2; exit 2; }
client_cpu=(); server_cpu=()
if [[ $pin == 1 ]]; then
  (( $(nproc) >= 2 )) || { echo "PIN=1 needs 2 CPUs; run with PIN=0" >&2; exit 2; }
  client_cpu=(taskset -c 0); server_cpu=(taskset -c 1)
fi
jar="$repo/modules/app/target/sparetire.jar"
[[ -f "$jar" ]] || { echo "no $jar: mvn -B -q -pl modules/app -am package -DskipTests" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl (apt-get install curl)" >&2; exit 1; }
if [[ $syscalls == 1 ]] && ! command -v strace >/dev/null; then echo "SYSCALLS=1 needs strace" >&2; exit 1; fi
if ! command -v nginx >/dev/null && ! [[ -x /usr/sbin/nginx ]]; then
  [[ $(id -u) -eq 0 ]] || { echo "needs nginx (apt-get install nginx)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx </dev/null >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d /tmp/sparetire-http-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
mkdir -p "$work/root"
chmod 755 "$work/root"
# Random bytes, so nothing on the path can shortcut zeros; read once so both servers start from the page cache.
head -c 1073741824 /dev/urandom > "$work/root/big.img"
chmod 644 "$work/root/big.img"
cat "$work/root/big.img" > /dev/null
size=$(stat -c %s "$work/root/big.img")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- sparetire: only http-boot (TFTP off, its root still the served folder)
sp_port=$(free_port)
cat > "$work/sparetire.yaml" <<EOF
logging: {level: warn}
web: {enabled: false}
syslog: {enabled: false}
dhcp: {enabled: false}
tftp: {enabled: false, root: $work/root}
http-boot: {enabled: true, bind: 127.0.0.1, port: $sp_port}
EOF
# shellcheck disable=SC2046
"${server_cpu[@]}" java $(cat "$repo/scripts/jvm-options") -jar "$jar" serve -c "$work/sparetire.yaml" > "$work/sparetire.log" 2>&1 &
sp_pid=$!
pids+=("$sp_pid")

# ---- nginx: one worker, sendfile on, as a static file server is usually set up for large files
ng_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$ng_port;
    root $work/root;
    default_type application/octet-stream;
  }
}
EOF
"${server_cpu[@]}" "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
ng_pid=$!
pids+=("$ng_pid")

wait_for() {
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null -r 0-0 "http://127.0.0.1:$1/big.img" && return 0
    sleep 0.1
  done
  echo "server on port $1 did not answer" >&2; cat "$work"/*.log "$work"/nginx/logs/error.log >&2 || true; exit 1
}
wait_for "$sp_port"
wait_for "$ng_port"

hz=$(getconf CLK_TCK)
# utime and stime (ticks) of a process and every child process of it (nginx's worker), threads included.
cpu_ticks() {
  local ut=0 st=0 p u s
  for p in "$1" $(pgrep -P "$1" || true); do
    [[ -r /proc/$p/stat ]] || continue
    # Fields after the command name: utime is field 14, stime field 15 of the whole line.
    read -r u s < <(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12, $13}')
    ut=$((ut + u)); st=$((st + s))
  done
  echo "$ut $st"
}

declare -A rate cpu usr sys
fetch() { # name port pid
  local u0 s0 u1 s1 t secs got gib
  read -r u0 s0 < <(cpu_ticks "$3")
  t=$("${client_cpu[@]}" curl -s -o /dev/null -w '%{time_total} %{size_download}' "http://127.0.0.1:$2/big.img")
  read -r u1 s1 < <(cpu_ticks "$3")
  read -r secs got <<<"$t"
  [[ "$got" == "$size" ]] || { echo "$1: got $got of $size bytes" >&2; exit 1; }
  gib=$(python3 -c "print($size/2**30)")
  rate[$1]+="$(python3 -c "print(f'{$size/$secs/1e6:.0f}')") "
  cpu[$1]+="$(python3 -c "print(f'{($u1-$u0+$s1-$s0)/$hz/$gib:.3f}')") "
  usr[$1]+="$(python3 -c "print(f'{($u1-$u0)/$hz/$gib:.3f}')") "
  sys[$1]+="$(python3 -c "print(f'{($s1-$s0)/$hz/$gib:.3f}')") "
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Uncounted warm-ups from each, then the turns; the order alternates so neither always goes first.
for _ in $(seq 1 "$warmup"); do
  fetch warm "$sp_port" "$sp_pid"; fetch warm "$ng_port" "$ng_pid"
done
for i in $(seq 1 "$turns"); do
  if (( i % 2 )); then
    fetch sparetire "$sp_port" "$sp_pid"; fetch nginx "$ng_port" "$ng_pid"
  else
    fetch nginx "$ng_port" "$ng_pid"; fetch sparetire "$sp_port" "$sp_pid"
  fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
echo "machine: $(nproc) cores, $(awk -F: '/model name/{print $2; exit}' /proc/cpuinfo | xargs), $(uname -r), $(java -version 2>&1 | head -1), $("$nginx_bin" -v 2>&1), $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "file: $size bytes; $warmup warm-up and $turns measured downloads per server, alternating order;" \
  "$([[ $pin == 1 ]] && echo "curl on CPU 0, servers on CPU 1" || echo "not pinned")"
echo "load average: $load_before before, $load_after after"
printf '%-10s %8s %12s %10s %10s   %s\n' server "MB/s" "CPU s/GiB" "user" "system" "(medians)   runs: MB/s | CPU s/GiB"
for s in sparetire nginx; do
  # shellcheck disable=SC2086
  printf '%-10s %8.0f %12.3f %10.3f %10.3f   %s| %s\n' "$s" "$(median ${rate[$s]})" "$(median ${cpu[$s]})" \
    "$(median ${usr[$s]})" "$(median ${sys[$s]})" "${rate[$s]}" "${cpu[$s]}"
done

declare -A calls
if [[ $syscalls == 1 ]]; then
  # One more download each under strace: system calls of the server's threads (nginx: its worker).
  for s in sparetire nginx; do
    if [[ $s == sparetire ]]; then port=$sp_port; target=$sp_pid; else port=$ng_port; target=$(pgrep -P "$ng_pid" | head -1); fi
    strace -c -f -q -o "$work/strace.$s" -p "$target" &
    st=$!
    sleep 1 # strace attaches to every thread before the download starts
    "${client_cpu[@]}" curl -s -o /dev/null "http://127.0.0.1:$port/big.img"
    sleep 0.5
    kill -INT "$st"; wait "$st" 2>/dev/null || true
    calls[$s]="$(awk '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {printf "%s %s%s, ", $NF, $4, ($5 ~ /^[0-9]+$/ ? " ("$5" errors)" : "")}' "$work/strace.$s" | sed 's/, $//')"
    echo "system calls of $s for one 1 GiB download (calls, errors): ${calls[$s]}"
  done
fi

if [[ $write == 1 ]]; then
  commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
  {
    echo "| run | sparetire MB/s | nginx MB/s | sparetire CPU s/GiB (user + system) | nginx CPU s/GiB (user + system) |"
    echo "|---|---:|---:|---:|---:|"
    # shellcheck disable=SC2086
    printf '| %s, commit %s, %s turns, %s; load average %s to %s | %.0f | %.0f | %.2f (%.2f + %.2f) | %.2f (%.2f + %.2f) |\n' \
      "$(date -u +%F)" "$commit" "$turns" "$([[ $pin == 1 ]] && echo pinned || echo "not pinned")" \
      "${load_before%% *}" "${load_after%% *}" \
      "$(median ${rate[sparetire]})" "$(median ${rate[nginx]})" \
      "$(median ${cpu[sparetire]})" "$(median ${usr[sparetire]})" "$(median ${sys[sparetire]})" \
      "$(median ${cpu[nginx]})" "$(median ${usr[nginx]})" "$(median ${sys[nginx]})"
    if [[ $syscalls == 1 ]]; then
      echo
      # Only the calls made 10 times or more: the ones that scale with the bytes or the time.
      frequent() { tr ',' '\n' <<<"$1" | awk '$2 >= 10' | sed 's/^ *//' | paste -sd, - | sed 's/,/, /g'; }
      echo "System calls for one 1 GiB download (\`SYSCALLS=1\`, strace -c, calls made 10 times or more; errors are"
      echo "EAGAIN and timeouts): sparetire, all threads: $(frequent "${calls[sparetire]}"); nginx's worker: $(frequent "${calls[nginx]}")."
    fi
  } > "$work/table.md"
  python3 "$repo/scripts/bench/doc-block.py" http-boot "$work/table.md"
  echo "updated docs/benchmarks.md" >&2
fi
