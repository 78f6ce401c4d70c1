#!/usr/bin/env bash
# How many messages each collector files when it cannot keep up: sparetire and rsyslog each held to
# QUOTA % of one core (cgroup-v1 CFS quota), COUNT UDP messages offered at RATE on loopback, REPS runs
# each, alternating. Prints lines written and CPU microseconds per written line for every run, then the
# medians. The zero-loss table of run.sh answers "does it keep up"; this answers "how far short is it".
#   sudo scripts/bench/syslog/capacity.sh                      # QUOTA=20 RATE=250000 COUNT=750000 REPS=5
#   JAVA_OPTS="-Xms96m -Xmx256m -Xmn64m -XX:+UseSerialGC" sudo scripts/bench/syslog/capacity.sh
#   ONE_FILE=1 sudo scripts/bench/syslog/capacity.sh   # sparetire files all.log only, no recent ring: rsyslog's work
#   SAME_FILES=1 sudo scripts/bench/syslog/capacity.sh  # rsyslog files per sender too (a dynafile), as sparetire does
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
quota=${QUOTA:-20}; rate=${RATE:-250000}; count=${COUNT:-750000}; reps=${REPS:-5}
java_opts=${JAVA_OPTS:-$(cat "$repo/scripts/jvm-options")}
[[ $(id -u) -eq 0 && -d /sys/fs/cgroup/cpu ]] || { echo "needs root and the cgroup-v1 cpu controller" >&2; exit 1; }
command -v rsyslogd >/dev/null && command -v gcc >/dev/null || { echo "needs rsyslog and gcc" >&2; exit 1; }

work="$(mktemp -d)"; pids=(); groups=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
  for g in "${groups[@]}"; do rmdir "$g" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
confine() { # pid: its own group, QUOTA % of one core with a 10 ms period
  local g="/sys/fs/cgroup/cpu/sparetire-syslog-capacity-$1"
  mkdir -p "$g"; groups+=("$g")
  echo 10000 >"$g/cpu.cfs_period_us"; echo $((quota * 100)) >"$g/cpu.cfs_quota_us"; echo "$1" >"$g/cgroup.procs"
}
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

gcc -O2 -o "$work/loadgen" "$here/loadgen.c"
(cd "$repo" && mvn -B -q -pl modules/syslog -am compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp" -Dmdep.includeScope=test >/dev/null 2>&1)
st_port=$(free_port); rs_port=$(free_port)
mkdir -p "$work/st" "$work/rs/work"
files="rotate-size: 0, rotate-age: 0"; extra=""
[[ "${ONE_FILE:-0}" == 1 ]] && { files+=", per-device: none"; extra="  recent-per-device: 0"; }
printf 'syslog:\n  bind: 127.0.0.1\n  udp: {port: %s, receive-buffer: 8MiB}\n  directory: logs\n  files: {%s}\n%s\n' \
  "$st_port" "$files" "$extra" >"$work/st/config.yaml"
# shellcheck disable=SC2086 # the options are several words
(cd "$work/st" && exec taskset -c 1 java $java_opts \
  -cp "$repo/modules/syslog/target/classes:$(cat "$work/cp")" "$here/ServeSyslog.java" config.yaml >out.log 2>&1) &
st_pid=$!; pids+=("$st_pid")
cat >"$work/rs/rsyslog.conf" <<CONF
global(workDirectory="$work/rs/work")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$rs_port" rcvbufSize="8m")
*.* action(type="omfile" file="$work/rs/all.log")
CONF
if [[ "${SAME_FILES:-0}" == 1 ]]; then
  # sparetire's default filing: one file per sender address besides the combined one.
  cat >>"$work/rs/rsyslog.conf" <<CONF
template(name="per-sender" type="string" string="$work/rs/%fromhost-ip%.log")
*.* action(type="omfile" dynaFile="per-sender")
CONF
fi
taskset -c 1 rsyslogd -n -f "$work/rs/rsyslog.conf" -i "$work/rs/pid" >"$work/rs/out.log" 2>&1 &
rs_pid=$!; pids+=("$rs_pid")
for _ in $(seq 1 300); do grep -q READY "$work/st/out.log" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$work/st/out.log" || { cat "$work/st/out.log"; exit 1; }
confine "$st_pid"; confine "$rs_pid"

written() { grep -c -F -- "$2 seq=" "$1" 2>/dev/null || true; }
settle() { # file tag want: until all arrived or the count stands still for 2 s
  local last=-1 same=0 n=0
  for _ in $(seq 1 600); do
    n=$(written "$1" "$2"); [[ $n -ge $3 ]] && break
    if [[ $n == "$last" ]]; then same=$((same + 1)); [[ $same -ge 20 ]] && break; else same=0; fi
    last=$n; sleep 0.1
  done
  echo "$n"
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
st_file="$work/st/logs/all.log"; rs_file="$work/rs/all.log"

# Warm-up within the quota (the JIT compiler shares it), not reported: four light loads, then one run like the
# measured ones, since an overloaded collector takes paths (a full ring, long drains) that the JIT compiles anew.
for w in 1 2 3 4 5; do
  if [[ $w == 5 ]]; then r=$rate; n=$count; else r=50000; n=100000; fi
  taskset -c 0 "$work/loadgen" udp "$st_port" "$r" "$n" "warmup$w" >/dev/null; settle "$st_file" "warmup$w" "$n" >/dev/null
  taskset -c 0 "$work/loadgen" udp "$rs_port" "$r" "$n" "warmup$w" >/dev/null; settle "$rs_file" "warmup$w" "$n" >/dev/null
done
hz=$(getconf CLK_TCK)
declare -A results=([st]="" [rs]="")
for ((rep = 1; rep <= reps; rep++)); do
  for who in st rs; do
    if [[ $who == st ]]; then pid=$st_pid; port=$st_port; file=$st_file; else pid=$rs_pid; port=$rs_port; file=$rs_file; fi
    sleep 1
    t0=$(ticks "$pid")
    taskset -c 0 "$work/loadgen" udp "$port" "$rate" "$count" "cap-$who-$rep" >/dev/null
    got=$(settle "$file" "cap-$who-$rep" "$count")
    cpu_us=$(( ($(ticks "$pid") - t0) * 1000000 / hz ))
    echo "$who run $rep: written $got of $count, $(python3 -c "print(round($cpu_us / max(1, $got), 2))") CPU us per line"
    results[$who]+="$got "
  done
done
median() { python3 -c 'import statistics, sys; print(int(statistics.median(map(int, sys.argv[1:]))))' "$@"; }
# shellcheck disable=SC2086
echo "median lines written at ${rate}/s offered, ${quota} % of a core: sparetire $(median ${results[st]}), rsyslog $(median ${results[rs]})"
