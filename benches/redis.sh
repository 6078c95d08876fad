#!/usr/bin/env bash
# redis.sh : the Redis-protocol server example (examples/resp_server/) on
# mini_rt against redis-server, both under redis-benchmark.
#
#   benches/redis.sh                     # the full run: about 6 min
#   ROUNDS=1 REQUESTS=50000 benches/redis.sh   # a quick look: about 30 s
#   PIPELINES=16 TESTS=get,set benches/redis.sh
#
# Needs: redis-server and redis-benchmark (the Debian packages redis-server
# and redis-tools; installed with apt-get if missing), taskset (util-linux)
# and ss (iproute2).
#
# redis-server runs with its defaults except persistence (--save ""
# --appendonly no; single-threaded IO, its default) and the example with
# its defaults, both pinned to cpu 0; redis-benchmark runs pinned to cpu 1
# with -c CONNS -n REQUESTS -P PIPELINE, once per test and server, the
# servers alternating (order swapped every round), for ROUNDS rounds.
# Reported per pipeline depth and test:
#   rps         redis-benchmark's requests per second, median over rounds
#   m/r         the median of the per-round ratios mini_rt rps / redis rps
#               (the two run back to back, so a slow spell of the machine
#               hits both), and their lowest..highest: a range that
#               straddles 1.00 is a tie within this machine's noise
#   CPU ns/req  the server's utime + stime from /proc/PID/stat over its
#               runs (all threads), pooled over rounds (sum of CPU / sum of
#               requests: /proc counts 10 ms ticks), per request; m/r its
#               ratio
# Env knobs: CONNS (50) REQUESTS (200000) PIPELINES ("1 16") ROUNDS (5)
# TESTS (ping,set,get,incr,lpush,lpop,mset; "ping" is redis-benchmark's
# ping_inline and ping_mbulk, run separately here so each has its CPU)
# PORT (7700: redis-server on PORT, the example on PORT+1).
# Medians also go to target/redis/results.tsv.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
. benches/lib.sh
CONNS=${CONNS:-50}; REQUESTS=${REQUESTS:-200000}; PIPELINES=${PIPELINES:-1 16}
ROUNDS=${ROUNDS:-5}; TESTS=${TESTS:-ping,set,get,incr,lpush,lpop,mset}; PORT=${PORT:-7700}

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
  apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
  apt_get install -y redis-server redis-tools || { apt_get update && apt_get install -y redis-server redis-tools; } || exit 1
fi
for tool in taskset ss; do
  command -v $tool >/dev/null || { echo "redis.sh needs $tool" >&2; exit 1; }
done
cargo build --quiet --release --example resp_server || exit 1
OUT=target/redis; mkdir -p "$OUT"; TSV=$OUT/results.tsv
start=$SECONDS

cpu_ticks() { # PID -> utime + stime, in clock ticks
  awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"
}

declare -A PID PORTOF
PORTOF[redis]=$PORT; PORTOF[mini]=$((PORT + 1))
taskset -c 0 redis-server --port "${PORTOF[redis]}" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no --logfile "" >"$OUT/redis.log" 2>&1 &
PID[redis]=$!
taskset -c 0 target/release/examples/resp_server "127.0.0.1:${PORTOF[mini]}" >"$OUT/mini.log" 2>&1 &
PID[mini]=$!
trap 'kill ${PID[redis]} ${PID[mini]} 2>/dev/null' EXIT
for s in redis mini; do wait_listen "${PORTOF[$s]}" || exit 1; done
TICK_NS=$((1000000000 / $(getconf CLK_TCK)))

tests=$(sed 's/\bping\b/ping_inline,ping_mbulk/' <<<"$TESTS" | tr ',' ' ')
printf "pipeline\ttest\tserver\trps\tcpu_ns_per_req\n" >"$TSV"
echo "redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/') vs examples/resp_server:" \
  "-c $CONNS -n $REQUESTS, $ROUNDS rounds; rps median, CPU pooled"
for P in $PIPELINES; do
  declare -A RPS=() TICKS=() REQS=()
  for r in $(seq "$ROUNDS"); do
    for t in $tests; do
      if [ $((r % 2)) = 1 ]; then order="redis mini"; else order="mini redis"; fi
      for s in $order; do
        before=$(cpu_ticks "${PID[$s]}")
        out=$(taskset -c 1 redis-benchmark -h 127.0.0.1 -p "${PORTOF[$s]}" -c "$CONNS" \
          -n "$REQUESTS" -P "$P" -t "$t" --csv 2>&1)
        after=$(cpu_ticks "${PID[$s]}")
        rps=$(awk -F'","' 'NR > 1 {print $2; exit}' <<<"$out")
        [ -n "$rps" ] || { echo "redis-benchmark failed against $s ($t): $out" >&2; continue; }
        RPS[$t.$s]+=" $rps"
        TICKS[$t.$s]=$(( ${TICKS[$t.$s]:-0} + after - before ))
        REQS[$t.$s]=$(( ${REQS[$t.$s]:-0} + REQUESTS ))
      done
    done
  done
  echo
  echo "### -P $P"
  echo
  echo "| test | rps redis | rps mini_rt | m/r | m/r range | CPU ns/req redis | mini_rt | m/r |"
  echo "|---|---|---|---|---|---|---|---|"
  for t in $tests; do
    declare -A M=()
    for s in redis mini; do
      M[rps.$s]=$(median <<<"${RPS[$t.$s]:-}")
      M[cpu.$s]=$(awk -v k="${TICKS[$t.$s]:-0}" -v n="${REQS[$t.$s]:-0}" -v ns="$TICK_NS" \
        'BEGIN{if (n > 0) printf "%.0f", k * ns / n; else print "nan"}')
      printf "%s\t%s\t%s\t%s\t%s\n" "$P" "$t" "$s" "${M[rps.$s]}" "${M[cpu.$s]}" >>"$TSV"
    done
    paired=$(awk -v m="${RPS[$t.mini]:-}" -v r="${RPS[$t.redis]:-}" 'BEGIN{n = split(m, a, " ");
      if (n != split(r, b, " ")) exit; for (i = 1; i <= n; i++) if (b[i] > 0) printf "%.4f ", a[i] / b[i]}')
    pmed=$(median <<<"$paired"); [ "$pmed" = nan ] || pmed=$(printf "%.2f" "$pmed")
    prange=$(tr ' ' '\n' <<<"$paired" | grep -v '^$' | sort -g | awk 'NR==1{lo=$1} {hi=$1}
      END{if (NR) printf "%.2f..%.2f", lo, hi; else print "nan"}')
    cratio=$(awk -v m="${M[cpu.mini]}" -v r="${M[cpu.redis]}" 'BEGIN{if (r > 0) printf "%.2f", m / r; else print "nan"}')
    echo "| ${t^^} | ${M[rps.redis]%.*} | ${M[rps.mini]%.*} | $pmed | $prange | ${M[cpu.redis]} | ${M[cpu.mini]} | $cratio |"
  done
done
echo
echo "took $((SECONDS - start)) s; medians in $TSV"
