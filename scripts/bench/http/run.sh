#!/usr/bin/env bash
# HTTP boot throughput and CPU: one 1 GiB file over HTTP from sparetire's http-boot service and from nginx
# (Debian package), the same curl fetching from each in turns, on loopback ports. Reports per server the
# median throughput and the median server CPU per GiB sent (utime+stime of the server's processes from
# /proc, before and after each download).
#
# Usage: scripts/bench/http/run.sh [TURNS]   (default 5; needs the jar: mvn -pl modules/app -am package)
# nginx runs from its own temporary config on 127.0.0.1 and is stopped by its PID; so is sparetire.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
turns="${1:-5}"
jar="$repo/modules/app/target/sparetire.jar"
[[ -f "$jar" ]] || { echo "no $jar: mvn -B -q -pl modules/app -am package -DskipTests" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl (apt-get install curl)" >&2; exit 1; }
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
java $(cat "$repo/scripts/jvm-options") -jar "$jar" serve -c "$work/sparetire.yaml" > "$work/sparetire.log" 2>&1 &
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
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
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
# utime+stime (ticks) of a process and every child process of it (nginx's worker), threads included.
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [[ -r /proc/$p/stat ]] || continue
    # Fields after the command name: utime is field 14, stime field 15 of the whole line.
    read -r ut st < <(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12, $13}')
    total=$((total + ut + st))
  done
  echo "$total"
}

declare -A rate cpu
fetch() { # name port pid
  local before after t
  before=$(cpu_ticks "$3")
  t=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "http://127.0.0.1:$2/big.img")
  after=$(cpu_ticks "$3")
  read -r secs got <<<"$t"
  [[ "$got" == "$size" ]] || { echo "$1: got $got of $size bytes" >&2; exit 1; }
  rate[$1]+="$(python3 -c "print(f'{$size/$secs/1e6:.0f}')") "
  cpu[$1]+="$(python3 -c "print(f'{($after-$before)/$hz/($size/2**30):.3f}')") "
}

# One warm-up each, not counted, then the turns; the order alternates so neither always goes first.
fetch warm "$sp_port" "$sp_pid"; fetch warm "$ng_port" "$ng_pid"
for i in $(seq 1 "$turns"); do
  if (( i % 2 )); then
    fetch sparetire "$sp_port" "$sp_pid"; fetch nginx "$ng_port" "$ng_pid"
  else
    fetch nginx "$ng_port" "$ng_pid"; fetch sparetire "$sp_port" "$sp_pid"
  fi
done

median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
echo "machine: $(nproc) cores, $(awk -F: '/model name/{print $2; exit}' /proc/cpuinfo | xargs), $(uname -r), $(java -version 2>&1 | head -1), $("$nginx_bin" -v 2>&1), $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "file: $size bytes, $turns turns each, alternating order"
printf '%-10s %12s %22s   %s\n' server "MB/s median" "CPU s/GiB median" "runs (MB/s | CPU s/GiB)"
for s in sparetire nginx; do
  # shellcheck disable=SC2086
  printf '%-10s %12s %22s   %s| %s\n' "$s" "$(median ${rate[$s]})" "$(median ${cpu[$s]})" "${rate[$s]}" "${cpu[$s]}"
done
