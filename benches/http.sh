#!/usr/bin/env bash
# http.sh : the hello-world hyper server on mini_rt (examples/hyper_server.rs)
# against the same program on tokio's current-thread runtime with hyper-util
# (examples/hyper_server_tokio.rs), under wrk: HTTP/1.1, keep-alive, GET /.
#
#   benches/http.sh                 # 1, 50 and 500 connections, 5 rounds of 5 s: about 3 min
#   CONNS=50 ROUNDS=3 SECS=3 benches/http.sh
#
# Needs: wrk (installed with apt-get when missing), taskset (util-linux),
# ss (iproute2).
#
# Per connection count, both servers are started fresh on cpu 0 and wrk
# (one thread) runs on cpu 1, ROUNDS rounds of SECS seconds, the two servers
# interleaved (which goes first alternates by round). Reported:
#   rps            median over rounds (wall clock: noisy on a shared machine)
#   m/t, range     mini_rt's rps / tokio's, paired by round (they run back to
#                  back, so a slow spell of the machine hits both): the median
#                  and the lowest..highest of the per-round ratios; a range
#                  that straddles 1.00 is a tie within the machine's noise
#   p99            median over rounds of wrk's 99th-percentile latency
#   CPU µs/req     server user + system CPU (utime + stime in
#                  /proc/PID/stat) over each wrk run, pooled over rounds
#                  (sum of CPU / sum of requests: /proc counts 10 ms ticks);
#                  "usr" is the user-space part of it (the rest is the kernel's)
# Env knobs: CONNS ("1 50 500") ROUNDS (5) SECS (5).
# Medians also go to target/http/results.tsv.
#
#   benches/http.sh --profile       # where the CPU goes, at 50 connections: about 1 min
#
# instead runs each server once under valgrind --tool=callgrind (wrk -c50:
# 2 s of warm-up, then the counters are zeroed and CG_SECS=4 s measured) and
# prints user-space instructions per request by part (the runtime with the
# server's own code and the libc syscall wrappers; hyper and http; malloc
# and free; memcpy and co.; bytes; the rest, e.g. generic std code such as
# Vec's drop, instantiated for either), plus, with perf's syscall tracepoints,
# syscalls per request at full speed. Per-function listings (self
# instructions per request) go to target/http/profile.SERVER.top.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
. benches/lib.sh
PROFILE=; [ "${1:-}" = --profile ] && PROFILE=1
CONNS=${CONNS:-1 50 500}; ROUNDS=${ROUNDS:-5}; SECS=${SECS:-5}
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk ||
    { $sudo apt-get update && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; } ||
    { echo "http.sh needs wrk" >&2; exit 1; }
fi
for tool in taskset ss ${PROFILE:+valgrind callgrind_control}; do
  command -v $tool >/dev/null || { echo "http.sh needs $tool" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)"
cargo build --quiet --release --features hyper --example hyper_server --example hyper_server_tokio || exit 1
OUT=target/http; mkdir -p "$OUT"; TSV=$OUT/results.tsv
printf "conns\tserver\trps\tp99_us\tcpu_us_per_req\tusr_us_per_req\n" >"$TSV"
SERVERS=(tokio mini)
declare -A BIN=([tokio]=target/release/examples/hyper_server_tokio [mini]=target/release/examples/hyper_server)
TICK=$(getconf CLK_TCK)
start=$SECONDS

cpu_ticks() { awk '{print $14 + $15, $14}' "/proc/$1/stat"; } # "utime+stime utime" (fields 14, 15)
per_req() { # TICKS REQUESTS -> µs per request
  awk -v t="$1" -v n="$2" -v hz="$TICK" 'BEGIN{if (n > 0) printf "%.2f", t * 1e6 / hz / n; else print "nan"}'
}
to_us() { # wrk's "1.23ms" -> 1230
  awk -v v="$1" 'BEGIN{n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    m = (u == "s") ? 1e6 : (u == "ms") ? 1e3 : (u == "us") ? 1 : (u == "m") ? 6e7 : -1;
    if (m < 0) print "nan"; else printf "%.0f", n * m}'
}

# self instructions per request of each function in callgrind output $1 ($2 requests)
self_per_req() {
  awk -v r="$2" '/^fn=/ {fn = substr($0, 4); next} /^calls=/ {skip = 1; next}
    /^[0-9+-]/ {if (skip) {skip = 0; next} s[fn] += $2}
    END {for (k in s) printf "%.1f\t%s\n", s[k] / r, k}' "$1" | sort -t$'\t' -k1,1 -rn
}
part_of() { # function name -> part
  awk -F'\t' '{f = $2; c = "other"
    if (f ~ /mini_rt|tokio::|hyper_util|hyper_server|mio::|epoll|^__libc_|^(read|write|writev|recv|send|clock_gettime)$|syscall/) c = "runtime"
    else if (f ~ /hyper::|httparse|http::|http_body/) c = "hyper, http"
    else if (f ~ /^(malloc|free|realloc|calloc|_int_[a-z]+|malloc_consolidate|__rustc::.*)$/) c = "allocator"
    else if (f ~ /memcpy|memmove|memset|memcmp/) c = "memcpy etc."
    else if (f ~ /bytes::/) c = "bytes"
    s[c] += $1; t += $1} END {for (c in s) printf "%s\t%.0f\n", c, s[c]; printf "total\t%.0f\n", t}'
}
if [ -n "$PROFILE" ]; then
  CG_SECS=${CG_SECS:-4}; port=7590
  declare -A PART SYS
  for s in "${SERVERS[@]}"; do
    port=$((port + 1)); rm -f "$OUT/profile.$s".*
    taskset -c 0 valgrind --tool=callgrind --compress-strings=no --compress-pos=no \
      --callgrind-out-file="$OUT/profile.$s.%p" "${BIN[$s]}" "127.0.0.1:$port" >"$OUT/profile.$s.log" 2>&1 &
    pid=$!
    wait_listen $port || exit 1
    taskset -c 1 wrk -t1 -c50 -d2s "http://127.0.0.1:$port/" >/dev/null
    callgrind_control -z $pid >/dev/null 2>&1
    out=$(taskset -c 1 wrk -t1 -c50 -d"${CG_SECS}s" "http://127.0.0.1:$port/")
    callgrind_control -d $pid >/dev/null 2>&1
    kill $pid; wait $pid 2>/dev/null
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    self_per_req "$OUT/profile.$s.$pid.1" "$n" >"$OUT/profile.$s.top"
    while IFS=$'\t' read -r part ir; do PART[$s.$part]=$ir; done < <(part_of <"$OUT/profile.$s.top")
    SYS[$s]=nan
    if perf stat -e raw_syscalls:sys_enter true >/dev/null 2>&1; then
      port=$((port + 1))
      taskset -c 0 "${BIN[$s]}" "127.0.0.1:$port" >/dev/null 2>&1 &
      pid=$!
      wait_listen $port || exit 1
      out=$(perf stat -x, -o "$OUT/profile.$s.perf" -e raw_syscalls:sys_enter -p $pid -- \
        taskset -c 1 wrk -t1 -c50 -d2s "http://127.0.0.1:$port/")
      kill $pid; wait $pid 2>/dev/null
      SYS[$s]=$(awk -F, -v n="$(awk '/requests in/ {print $1}' <<<"$out")" \
        '$3 ~ /sys_enter/ {printf "%.3f", $1 / n}' "$OUT/profile.$s.perf")
    fi
  done
  echo
  echo "### server work per request, wrk -t1 -c50 (instructions: callgrind, ${CG_SECS}s after 2s of warm-up)"
  echo
  echo "| per request | tokio | mini_rt | m/t |"
  echo "|---|---|---|---|"
  for part in total runtime "hyper, http" allocator "memcpy etc." bytes other; do
    echo "| instructions: $part | ${PART[tokio.$part]:-0} | ${PART[mini.$part]:-0} \
| $(awk -v a="${PART[mini.$part]:-0}" -v b="${PART[tokio.$part]:-0}" 'BEGIN{if (b > 0) printf "%.2f", a / b}') |"
  done
  echo "| syscalls (perf, full speed) | ${SYS[tokio]} | ${SYS[mini]} | |"
  echo
  echo "per-function self instructions per request: $OUT/profile.{tokio,mini}.top"
  exit 0
fi

echo
echo "### hello world over HTTP/1.1 keep-alive, wrk -t1 (median of $ROUNDS rounds of ${SECS}s; CPU pooled)"
echo
echo "| conns | rps tokio | rps mini_rt | m/t | m/t range | p99 µs tokio | p99 µs mini_rt | CPU µs/req tokio | CPU µs/req mini_rt | m/t | usr µs/req tokio | usr µs/req mini_rt |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
port=7600
for conns in $CONNS; do
  declare -A PORT PID RPS P99 TICKS UTICKS REQS
  for s in "${SERVERS[@]}"; do
    port=$((port + 1)); [ $port -gt 7900 ] && port=7601
    PORT[$s]=$port
    taskset -c 0 "${BIN[$s]}" "127.0.0.1:$port" >"$OUT/$s.log" 2>&1 &
    PID[$s]=$!
    RPS[$s]=""; P99[$s]=""; TICKS[$s]=0; UTICKS[$s]=0; REQS[$s]=0
  done
  for s in "${SERVERS[@]}"; do wait_listen "${PORT[$s]}" || exit 1; done
  for r in $(seq "$ROUNDS"); do
    for i in 0 1; do
      s=${SERVERS[$(((i + r) % 2))]}
      read -r before ubefore < <(cpu_ticks "${PID[$s]}")
      out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${SECS}s" --latency "http://127.0.0.1:${PORT[$s]}/")
      read -r after uafter < <(cpu_ticks "${PID[$s]}")
      n=$(awk '/requests in/ {print $1}' <<<"$out")
      [ -n "$n" ] && [ "$n" -gt 0 ] || { echo "wrk failed against $s: $out" >&2; continue; }
      RPS[$s]+=" $(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
      P99[$s]+=" $(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
      TICKS[$s]=$((TICKS[$s] + after - before)); UTICKS[$s]=$((UTICKS[$s] + uafter - ubefore))
      REQS[$s]=$((REQS[$s] + n))
    done
  done
  for s in "${SERVERS[@]}"; do kill "${PID[$s]}"; wait "${PID[$s]}" 2>/dev/null; done
  declare -A M
  for s in "${SERVERS[@]}"; do
    M[rps.$s]=$(median <<<"${RPS[$s]}"); M[p99.$s]=$(median <<<"${P99[$s]}")
    M[cpu.$s]=$(per_req "${TICKS[$s]}" "${REQS[$s]}"); M[usr.$s]=$(per_req "${UTICKS[$s]}" "${REQS[$s]}")
    printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$conns" "$s" "${M[rps.$s]}" "${M[p99.$s]}" "${M[cpu.$s]}" \
      "${M[usr.$s]}" >>"$TSV"
  done
  paired=$(awk -v m="${RPS[mini]}" -v t="${RPS[tokio]}" 'BEGIN{n = split(m, a, " ");
    if (n != split(t, b, " ")) exit; for (i = 1; i <= n; i++) if (b[i] > 0) printf "%.4f ", a[i] / b[i]}')
  pmed=$(median <<<"$paired"); [ "$pmed" = nan ] || pmed=$(printf "%.2f" "$pmed")
  prange=$(tr ' ' '\n' <<<"$paired" | grep -v '^$' | sort -g | awk 'NR==1{lo=$1} {hi=$1}
    END{if (NR) printf "%.2f..%.2f", lo, hi; else print "nan"}')
  cratio=$(awk -v a="${M[cpu.mini]}" -v b="${M[cpu.tokio]}" 'BEGIN{if (b > 0) printf "%.2f", a / b; else print "nan"}')
  echo "| $conns | ${M[rps.tokio]} | ${M[rps.mini]} | $pmed | $prange | ${M[p99.tokio]} | ${M[p99.mini]} \
| ${M[cpu.tokio]} | ${M[cpu.mini]} | $cratio | ${M[usr.tokio]} | ${M[usr.mini]} |"
done
echo
echo "took $((SECONDS - start)) s; medians in $TSV"
