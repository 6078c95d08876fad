#!/usr/bin/env bash
# scaling.sh : does mini_rt's multi-thread runtime scale to 2 cores? The echo
# matrix cell 1000 connections x 64 B (read framing), closed loop, against
#   mini1   examples/echo --workers 1       (multi-thread runtime, 1 worker)
#   mini2   examples/echo --workers 2       (multi-thread runtime, 2 workers)
#   tokio2  examples/echo_tokio --workers 2 (tokio multi_thread, 2 workers)
# with the load client benches/tools/echo_load.rs. The three servers run side
# by side; each round runs the client once against each, the order rotating
# every round, so a slow spell of the machine hits all three.
#
#   benches/scaling.sh              # 5 rounds of 2 s: about 40 s
#   ROUNDS=3 SECS=1 benches/scaling.sh
#
# Nothing is pinned: the point is 2 workers, and on a 2-core machine the
# client shares the CPUs with them, so rps is bounded by the client too; judge
# mostly by server CPU per round trip. Reported per server:
#   rps         median over rounds
#   CPU µs/RT   server utime+stime from /proc/PID/stat (the whole process,
#               all threads) over each measured window, pooled over rounds
#               (sum of CPU / sum of round trips: /proc counts 10 ms ticks)
# and the targets: mini2/mini1 CPU per RT <= 1.1; mini2/tokio2 rps >= 1 and
# CPU per RT <= 0.8.
# Env knobs: ROUNDS (5) SECS (2) WARMUP (0.3) CONNS (1000) SIZE (64).
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
. benches/lib.sh
ROUNDS=${ROUNDS:-5}; SECS=${SECS:-2}; WARMUP=${WARMUP:-0.3}; CONNS=${CONNS:-1000}; SIZE=${SIZE:-64}
command -v ss >/dev/null || { echo "scaling.sh needs ss (iproute2)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
cargo build --quiet --release --example echo --example echo_tokio --example echo_load || exit 1
LOAD=target/release/examples/echo_load
OUT=target/scaling; mkdir -p "$OUT"
SERVERS=(mini1 mini2 tokio2)
start=$SECONDS

server_cmd() { # NAME PORT
  case $1 in
    mini1) echo "target/release/examples/echo 127.0.0.1:$2 --workers 1" ;;
    mini2) echo "target/release/examples/echo 127.0.0.1:$2 --workers 2" ;;
    tokio2) echo "target/release/examples/echo_tokio 127.0.0.1:$2 --workers 2" ;;
  esac
}



declare -A PORT PID RPS CPU RTS M
port=$((7400 + RANDOM % 400))
for s in "${SERVERS[@]}"; do
  port=$((port + 1)); PORT[$s]=$port
  # shellcheck disable=SC2046
  $(server_cmd "$s" "$port") >"$OUT/$s.log" 2>&1 &
  PID[$s]=$!; RPS[$s]=""; CPU[$s]=0; RTS[$s]=0
done
trap 'for s in "${SERVERS[@]}"; do kill "${PID[$s]}" 2>/dev/null; done' EXIT
for s in "${SERVERS[@]}"; do wait_listen "${PORT[$s]}" || exit 1; done
for r in $(seq "$ROUNDS"); do
  for i in 0 1 2; do
    s=${SERVERS[$(((i + r) % 3))]}
    out=$("$LOAD" --addr "127.0.0.1:${PORT[$s]}" --conns "$CONNS" --size "$SIZE" \
      --secs "$SECS" --warmup "$WARMUP" --server-pid "${PID[$s]}")
    t=$(field total "$out")
    [ -n "$t" ] || { echo "the load client failed against $s: $out" >&2; continue; }
    echo "round $r $s: $out" >>"$OUT/rounds.log"
    RPS[$s]+=" $(field rps "$out")"
    CPU[$s]=$(awk -v a="${CPU[$s]}" -v u="$(field server_usr_us_per_rt "$out")" \
      -v k="$(field server_sys_us_per_rt "$out")" -v t="$t" 'BEGIN{print a + (u + k) * t}')
    RTS[$s]=$((RTS[$s] + t))
  done
done

echo
echo "### $CONNS connections x $SIZE B, median of $ROUNDS rounds of ${SECS}s, nothing pinned"
echo
echo "| server | rps | server CPU µs/RT |"
echo "|---|---|---|"
for s in "${SERVERS[@]}"; do
  M[rps.$s]=$(median <<<"${RPS[$s]}")
  M[cpu.$s]=$(awk -v c="${CPU[$s]}" -v t="${RTS[$s]}" 'BEGIN{printf "%.2f", t ? c / t : 0}')
  echo "| $s | ${M[rps.$s]} | ${M[cpu.$s]} |"
done
echo
echo "| ratio | value | target |"
echo "|---|---|---|"
echo "| mini2 / mini1 CPU per RT | $(ratio "${M[cpu.mini2]}" "${M[cpu.mini1]}") | ≤ 1.1 |"
echo "| mini2 / tokio2 rps | $(ratio "${M[rps.mini2]}" "${M[rps.tokio2]}") | ≥ 1 |"
echo "| mini2 / tokio2 CPU per RT | $(ratio "${M[cpu.mini2]}" "${M[cpu.tokio2]}") | ≤ 0.8 |"
echo
echo "took $((SECONDS - start)) s; every round in $OUT/rounds.log"
