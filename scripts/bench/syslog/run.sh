#!/usr/bin/env bash
# sparetire's syslog collector side by side with rsyslog (imudp/imtcp -> omfile), on loopback only.
# For each offered UDP rate, a bounded C generator (loadgen.c, sendmmsg, paced) sends RATE x SECONDS
# messages; we count the lines each collector wrote and the loss. Then one TCP connection sends
# TCP_COUNT octet-counted messages flat out and we time until the last line is on disk.
# Each collector runs with its own config, files and pid; both are stopped by PID at the end.
#   scripts/bench/syslog/run.sh            (writes the table into docs/benchmarks.md)
#   RATES="50000 100000" SECONDS_PER_RATE=2 TCP_COUNT=500000 REPEAT=3 WRITE_DOCS=0 scripts/bench/syslog/run.sh
# FILES says what each collector files (sparetire writes every line twice by default):
#   FILES=default  sparetire per device and all.log (its defaults), rsyslog one file (the default)
#   FILES=same     rsyslog per sender (a %fromhost-ip% dynafile) and one combined file too: the same files
#   FILES=one      sparetire all.log only (per-device: none), rsyslog one file: the same bytes
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
rates="${RATES:-50000 100000 200000 300000 400000 600000}"
per_rate="${SECONDS_PER_RATE:-2}"
tcp_count="${TCP_COUNT:-1000000}"
write_docs="${WRITE_DOCS:-1}"
repeat="${REPEAT:-3}"
files="${FILES:-default}"
case "$files" in default|same|one) ;; *) echo "FILES must be default, same or one" >&2; exit 1 ;; esac

# On a machine with two or more cores the generator gets core 0 and each collector core 1, so the
# generator can always offer the rate and the collector's own ceiling shows (PIN=0: no pinning).
pin_collector=""; pin_generator=""
if [[ "${PIN:-1}" == 1 && $(nproc) -ge 2 ]]; then
  pin_collector="taskset -c 1"; pin_generator="taskset -c 0"
fi

# CPU_QUOTA=50: each collector may use at most 50 % of one core (a cgroup-v1 CFS quota with a 10 ms
# period), so the collectors, not the generator, reach their ceiling on a small machine.
cpu_quota="${CPU_QUOTA:-}"
cgroup=""
if [[ -n "$cpu_quota" ]]; then
  cgroup="/sys/fs/cgroup/cpu/sparetire-syslog-bench-$$"
  [[ -d /sys/fs/cgroup/cpu ]] || { echo "CPU_QUOTA needs the cgroup-v1 cpu controller at /sys/fs/cgroup/cpu" >&2; exit 1; }
fi
confine() { # pid: into the quota group (each collector gets its own group and so its own quota)
  [[ -n "$cgroup" ]] || return 0
  mkdir -p "$cgroup-$1"
  echo 10000 >"$cgroup-$1/cpu.cfs_period_us"
  echo $((cpu_quota * 100)) >"$cgroup-$1/cpu.cfs_quota_us"
  # cgroup.procs moves every thread at once; threads started later inherit the group
  echo "$1" >"$cgroup-$1/cgroup.procs"
}

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  if [[ -n "$cgroup" ]]; then
    for g in "$cgroup"-*; do [[ -d "$g" ]] && rmdir "$g" 2>/dev/null || true; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v gcc >/dev/null || { echo "needs gcc (apt-get install gcc)" >&2; exit 1; }
if ! command -v rsyslogd >/dev/null; then
  [[ $(id -u) -eq 0 ]] || { echo "needs rsyslog (apt-get install rsyslog)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rsyslog </dev/null >/dev/null
fi
gcc -O2 -o "$work/loadgen" "$here/loadgen.c"
(cd "$repo" && mvn -B -q -pl modules/syslog -am compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp" -Dmdep.includeScope=test >/dev/null 2>&1)
cp="$repo/modules/syslog/target/classes:$(cat "$work/cp")"

free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }
st_udp=$(free_port SOCK_DGRAM); st_tcp=$(free_port SOCK_STREAM)
rs_udp=$(free_port SOCK_DGRAM); rs_tcp=$(free_port SOCK_STREAM)

# --- sparetire: default settings except ports and no rotation (rotation would move counted lines away).
mkdir -p "$work/st"
cat >"$work/st/config.yaml" <<YAML
syslog:
  bind: 127.0.0.1
  udp: {port: $st_udp, receive-buffer: 8MiB}
  tcp: {enabled: true, port: $st_tcp}
  directory: logs
  files: {rotate-size: 0, rotate-age: 0$([[ $files == one ]] && echo ", per-device: none")}
YAML
cat >"$work/st/logback.xml" <<'XML'
<configuration><appender name="o" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%d %-5level %msg%n</pattern></encoder></appender><root level="INFO"><appender-ref ref="o"/></root></configuration>
XML
(cd "$work/st" && exec $pin_collector java ${ST_JAVA_OPTS:-$(cat "$repo/scripts/jvm-options")} -Dlogback.configurationFile="$work/st/logback.xml" -cp "$cp" \
  "$here/ServeSyslog.java" config.yaml >"$work/st/out.log" 2>&1) &
st_pid=$!; pids+=("$st_pid"); confine "$st_pid"
st_file="$work/st/logs/all.log"

# --- rsyslog: imudp with the same 8 MiB receive buffer, imtcp, one omfile action; its own work dir and pid.
mkdir -p "$work/rs/work"
cat >"$work/rs/rsyslog.conf" <<CONF
global(workDirectory="$work/rs/work")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$rs_udp" rcvbufSize="8m")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$rs_tcp")
*.* action(type="omfile" file="$work/rs/all.log")
CONF
if [[ $files == same ]]; then
  cat >>"$work/rs/rsyslog.conf" <<CONF
template(name="per-sender" type="string" string="$work/rs/%fromhost-ip%.log")
*.* action(type="omfile" dynaFile="per-sender")
CONF
fi
$pin_collector rsyslogd -n -f "$work/rs/rsyslog.conf" -i "$work/rs/rsyslogd.pid" >"$work/rs/out.log" 2>&1 &
rs_pid=$!; pids+=("$rs_pid"); confine "$rs_pid"
rs_file="$work/rs/all.log"

for _ in $(seq 1 300); do grep -q READY "$work/st/out.log" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$work/st/out.log" || { cat "$work/st/out.log"; exit 1; }
for _ in $(seq 1 100); do ss -lun | grep -q ":$rs_udp " && break; sleep 0.1; done

size() { [[ -f "$1" ]] && stat -c %s "$1" || echo 0; }
# Lines with the tag written after byte offset $3 (only the new part of the file is scanned, so polling
# stays cheap however large the file has grown).
count() { [[ -f "$1" ]] && tail -c +"$(( $3 + 1 ))" "$1" | grep -c -F -- "$2 seq=" || echo 0; }

# Waits until the collector has written `want` lines with the tag, or its count stops moving for 2 s.
settle() {
  local file=$1 tag=$2 want=$3 from=${4:-0} last=-1 same=0 n
  for _ in $(seq 1 1200); do
    n=$(count "$file" "$tag" "$from")
    [[ "$n" -ge "$want" ]] && { echo "$n"; return; }
    if [[ "$n" == "$last" ]]; then same=$((same + 1)); [[ $same -ge 40 ]] && { echo "$n"; return; }; else same=0; fi
    last=$n
    sleep 0.05
  done
  echo "$n"
}

rss_mib() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# Warm-up (JIT for the JVM, caches for both), not reported: long enough for the JIT to finish even
# under CPU_QUOTA, where the compiler threads share the collector's quota. The last load is the highest
# rate of the table, since an overloaded collector takes paths that the JIT compiles anew.
top_rate=$(printf '%s\n' $rates | sort -n | tail -1)
for ((w = 1; w <= 4; w++)); do
  if [[ $w == 4 ]]; then r=$top_rate; n=$((top_rate * per_rate)); else r=50000; n=100000; fi
  $pin_generator "$work/loadgen" udp "$st_udp" "$r" "$n" "warmup$w" >/dev/null; settle "$st_file" "warmup$w" "$n" >/dev/null
  $pin_generator "$work/loadgen" udp "$rs_udp" "$r" "$n" "warmup$w" >/dev/null; settle "$rs_file" "warmup$w" "$n" >/dev/null
done

# Each cell is the best of $repeat runs (lowest loss, then highest achieved rate), the two collectors
# alternating, because other work on a shared machine can stall either one for a moment; beside it the
# worst run's loss and how many runs lost nothing.
rows=()
for rate in $rates; do
  n=$((rate * per_rate))
  line="| $rate | $n"
  declare -A best_got=() best_loss=() best_rate=() worst_loss=() lossless=([st]=0 [rs]=0)
  for ((rep = 1; rep <= repeat; rep++)); do
    for who in st rs; do
      if [[ $who == st ]]; then port=$st_udp; file=$st_file; else port=$rs_udp; file=$rs_file; fi
      tag="udp-$who-$rate-$rep"
      from=$(size "$file")
      sent=$($pin_generator "$work/loadgen" udp "$port" "$rate" "$n" "$tag")
      got=$(settle "$file" "$tag" "$n" "$from")
      loss=$(python3 -c "print(f'{100*($n-$got)/$n:.2f}')")
      actual=$(sed -E 's/.*rate=([0-9]+).*/\1/' <<<"$sent")
      echo "udp $who offered=$rate run=$rep achieved=$actual sent=$n written=$got loss=${loss}%"
      [[ $got -ge $n ]] && lossless[$who]=$((lossless[$who] + 1))
      if [[ -z "${worst_loss[$who]:-}" ]] || python3 -c "import sys; sys.exit(0 if $loss > ${worst_loss[$who]} else 1)"; then
        worst_loss[$who]=$loss
      fi
      if [[ -z "${best_got[$who]:-}" ]] || python3 -c "import sys; sys.exit(0 if ($loss, -$actual) < (${best_loss[$who]}, -${best_rate[$who]}) else 1)"; then
        best_got[$who]=$got; best_loss[$who]=$loss; best_rate[$who]=$actual
      fi
    done
  done
  for who in st rs; do
    line+=" | ${best_rate[$who]} | ${best_got[$who]} | ${best_loss[$who]} % (worst ${worst_loss[$who]} %, ${lossless[$who]} of $repeat lossless)"
  done
  unset best_got best_loss best_rate worst_loss lossless
  rows+=("$line |")
done

tcp_rows=()
for who in st rs; do
  if [[ $who == st ]]; then port=$st_tcp; file=$st_file; else port=$rs_tcp; file=$rs_file; fi
  best_rate=0; best_got=0
  for ((rep = 1; rep <= repeat; rep++)); do
    tag="tcp-$who-$rep"
    from=$(size "$file")
    t0=$(date +%s%N)
    timeout 120 $pin_generator "$work/loadgen" tcp "$port" "$tcp_count" "$tag" >/dev/null || true
    got=$(settle "$file" "$tag" "$tcp_count" "$from")
    t1=$(date +%s%N)
    r=$(python3 -c "print(round($got / (($t1 - $t0) / 1e9)))")
    echo "tcp $who run=$rep sent=$tcp_count written=$got msgs/s=$r"
    if [[ $got -gt $best_got || ( $got -eq $best_got && $r -gt $best_rate ) ]]; then best_got=$got; best_rate=$r; fi
  done
  tcp_rows+=("$who $best_got $best_rate")
done

st_rss=$(rss_mib "$st_pid"); rs_rss=$(rss_mib "$rs_pid")
echo "peak RSS: sparetire ${st_rss} MiB, rsyslog ${rs_rss} MiB"
# sparetire's own counters tell where a loss happened: "received" short of sent means the kernel dropped
# (receive buffer full), queue-full means the writer fell behind.
kill "$st_pid"; wait "$st_pid" 2>/dev/null || true
grep STOPPED "$work/st/out.log" | sed 's/^/sparetire counters: /' || true

read -r _ st_tcp_got st_tcp_rate <<<"${tcp_rows[0]}"
read -r _ rs_tcp_got rs_tcp_rate <<<"${tcp_rows[1]}"
table="$work/table.md"
{
  echo "\`scripts/bench/syslog/run.sh\` — $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1 | cut -d'"' -f2) vs $(rsyslogd -v | head -1 | awk '{print $1, $2}'), loopback."
  echo "Both collectors receive on 127.0.0.1 with an 8 MiB UDP buffer and write plain files (\`FILES=$files\`):"
  case $files in
    default) echo "sparetire writes every message twice (its per-device file and all.log, the defaults), rsyslog once." ;;
    same) echo "each writes every message twice, into a file per sender and one combined file (rsyslog through a"
          echo "\`%fromhost-ip%\` dynafile), as sparetire does by default." ;;
    one) echo "each writes every message once, into one file (sparetire with \`per-device: none\`)." ;;
  esac
  if [[ -n "$cgroup" ]]; then
    echo "Each collector is limited to ${cpu_quota} % of one core (CFS quota, 10 ms period: \`CPU_QUOTA=${cpu_quota}\`)."
  fi
  if [[ -n "$pin_collector" ]]; then
    echo "The C generator (\`loadgen.c\`, sendmmsg, sleeps between batches) runs on core 0 and each collector on"
    echo "core 1 (taskset), so the generator can offer the rate and each collector has one core of its own;"
    echo "sparetire runs with the launcher's JVM options (\`$(cat "$repo/scripts/jvm-options")\`). ~130-byte messages."
  else
    echo "The C generator (\`loadgen.c\`, sendmmsg, sleeps between batches) shares the cores with the collector;"
    echo "~130-byte messages."
  fi
  echo "The machine is shared: load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg). Rates are offered"
  echo "rates; \"achieved\" is what the generator managed while that collector ran (it slows down when starved of"
  echo "CPU), so compare the two collectors row by row. Each cell is the best of $repeat runs, the collectors"
  echo "alternating (lowest loss, then highest achieved rate; TCP: highest rate); the worst run's loss and"
  echo "how many of the runs lost nothing are shown beside it."
  echo
  echo "| offered UDP msgs/s | sent | achieved → sparetire | sparetire written | sparetire loss | achieved → rsyslog | rsyslog written | rsyslog loss |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| TCP, one connection, octet-counted | messages | written | msgs/s until on disk |"
  echo "|---|---:|---:|---:|"
  echo "| sparetire | $tcp_count | $st_tcp_got | $st_tcp_rate |"
  echo "| rsyslog | $tcp_count | $rs_tcp_got | $rs_tcp_rate |"
  echo
  echo "Peak resident memory during the run: sparetire ${st_rss} MiB (JVM), rsyslog ${rs_rss} MiB."
} >"$table"
cat "$table"

if [[ "$write_docs" == 1 ]]; then
  python3 - "$repo/docs/benchmarks.md" "$table" <<'PY'
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
start, end = "<!-- >>> syslog -->", "<!-- <<< syslog -->"
a, b = text.index(start) + len(start), text.index(end)
open(doc, "w").write(text[:a] + "\n" + table + text[b:])
PY
fi
