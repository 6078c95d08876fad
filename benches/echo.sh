#!/usr/bin/env bash
# echo.sh : three echo servers under the same closed-loop load, per cell of
# connections x message size: the raw-epoll floor (benches/tools/echo_raw.rs),
# tokio (examples/echo_tokio.rs) and mini_rt (examples/echo.rs), the last
# two the same code line for line. The load is benches/tools/echo_load.rs.
#
#   benches/echo.sh                    # full matrix, both framings: about 16 min
#   QUICK=1 benches/echo.sh            # 2 x 2 cells, 1 round: about 40 s
#   CONNS=50 SIZES=64 FRAMINGS=read benches/echo.sh   # one cell
#
# Needs: taskset (util-linux); ss and pgrep (iproute2, procps); perf
# (apt-get install -y linux-perf, or linux-tools-$(uname -r)) with readable
# syscall tracepoints, else strace (apt-get install -y strace). The load
# client and the floor server are built from this repository (as examples
# echo_load and echo_raw). Cross-check: YARDSTICK=DIR (e.g.
# YARDSTICK=../shared/yardstick) uses the echo-load and echo-raw that
# DIR/build.sh builds instead; their output format is the same.
#
# Framings: `read` = each read echoed as it comes (64 KiB buffer); `exact` =
# the servers run with `--exact SIZE` (read_exact of one message, then
# write_all). echo-raw has one framing; it runs in both tables as the floor.
#
# Per cell, fresh servers pinned to cpu 0, the client on cpu 1; ROUNDS rounds
# with the servers interleaved (order rotating each round). Reported:
#   rps, p99     median over rounds (wall clock: noisy on a shared machine)
#   usr ns/RT    server user CPU per round trip from /proc/PID/stat, pooled
#                over rounds (sum of CPU / sum of round trips: /proc counts
#                10 ms ticks, too coarse for one short run of a slow cell)
#   sys/RT       syscalls per round trip, counted for each server over a run
#                of COUNT_SECS, minus those of a run that only connects, sends
#                one message per connection and closes (set-up and teardown;
#                its first echoes make this undercount by about conns/round
#                trips, under 2 % for 1000 connections), divided by the round
#                trips of the run. Counted
#                with perf's syscall tracepoints (in-kernel counters: the
#                server runs at full speed); with SYSCOUNT=strace (the
#                fallback when perf cannot read tracepoints) strace -c -f
#                slows the server so much that clients always have the next
#                message queued, which hides the WouldBlock reads
#   EAGAIN/RT    recv/read/send calls per round trip that returned EAGAIN (perf;
#                with strace: all failed syscalls)
# Ratios: m/t = mini_rt / tokio; m/raw = mini_rt / floor. The rps m/t is
# paired: the median over rounds of mini_rt's rps / tokio's in the same
# round (they run back to back, so a slow spell of the machine hits both),
# and "m/t range" is the lowest..highest of those per-round ratios: a range
# that straddles 1.00 means the cell is a tie within this machine's noise.
# Env knobs: SECS (2) WARMUP (0.3) ROUNDS (5) COUNT_SECS (1.5) SYSCOUNT
# (perf|strace|none)
# CONNS ("1 10 100 1000") SIZES ("64 4096 65536") FRAMINGS ("read exact")
# QUICK=1.
# Medians also go to target/echo/results.tsv.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
. benches/lib.sh
if [ "${QUICK:-0}" = 1 ]; then
  : "${CONNS:=1 100}" "${SIZES:=64 65536}" "${SECS:=1}" "${ROUNDS:=1}" "${COUNT_SECS:=0.9}"
fi
CONNS=${CONNS:-1 10 100 1000}; SIZES=${SIZES:-64 4096 65536}; FRAMINGS=${FRAMINGS:-read exact}
SECS=${SECS:-2}; WARMUP=${WARMUP:-0.3}; ROUNDS=${ROUNDS:-5}; COUNT_SECS=${COUNT_SECS:-1.5}
for tool in taskset ss pgrep; do
  command -v $tool >/dev/null || { echo "echo.sh needs $tool" >&2; exit 1; }
done
if [ -z "${SYSCOUNT:-}" ]; then
  if perf stat -e raw_syscalls:sys_enter true >/dev/null 2>&1; then SYSCOUNT=perf
  elif command -v strace >/dev/null; then SYSCOUNT=strace
  else SYSCOUNT=none; echo "no perf tracepoints or strace: syscalls not counted" >&2; fi
fi
ulimit -n "$(ulimit -Hn)"
cargo build --quiet --release --example echo --example echo_tokio --example echo_load \
  --example echo_raw || exit 1
LOAD=target/release/examples/echo_load; RAW=target/release/examples/echo_raw
if [ -n "${YARDSTICK:-}" ]; then
  [ -x "$YARDSTICK/build.sh" ] || { echo "no build.sh in YARDSTICK=$YARDSTICK" >&2; exit 1; }
  B=$("$YARDSTICK/build.sh") || exit 1
  LOAD=$B/echo-load; RAW=$B/echo-raw
fi
OUT=target/echo; mkdir -p "$OUT"; TSV=$OUT/results.tsv
printf "framing\tconns\tsize\tserver\trps\tp99_us\tusr_ns_per_rt\tkernel_ns_per_rt\tsyscalls_per_rt\teagain_per_rt\n" >"$TSV"
SERVERS=(raw tokio mini)
start=$SECONDS

server_cmd() { # NAME PORT FRAMING SIZE
  local exact=""; [ "$3" = exact ] && exact="--exact $4"
  case $1 in
    raw) echo "$RAW 127.0.0.1:$2" ;;
    tokio) echo "target/release/examples/echo_tokio 127.0.0.1:$2 $exact" ;;
    mini) echo "target/release/examples/echo 127.0.0.1:$2 $exact" ;;
  esac
}

# count_run NAME PORT FRAMING SIZE CONNS SECS -> "syscalls eagain round_trips"
count_run() {
  local f=$OUT/count.$1 out sp pid load
  load=(taskset -c 1 "$LOAD" --addr "127.0.0.1:$2" --conns "$5" --size "$4" --secs "$6" --warmup 0)
  if [ "$SYSCOUNT" = perf ]; then
    # shellcheck disable=SC2046
    taskset -c 0 $(server_cmd "$1" "$2" "$3" "$4") >/dev/null 2>&1 &
    pid=$!
    wait_listen "$2" || { kill $pid; return; }
    out=$(perf stat -x, -o "$f" -e raw_syscalls:sys_enter \
      -e syscalls:sys_exit_recvfrom --filter 'ret == -11' \
      -e syscalls:sys_exit_read --filter 'ret == -11' \
      -e syscalls:sys_exit_sendto --filter 'ret == -11' -p $pid -- "${load[@]}")
    kill $pid; wait $pid 2>/dev/null
    awk -F, -v rt="$(field total "$out")" '$3 ~ /sys_enter/ {c = $1} $3 ~ /sys_exit/ {e += $1}
      END {print c, e, rt}' "$f"
  else
    # shellcheck disable=SC2046
    taskset -c 0 strace -f -c -o "$f" $(server_cmd "$1" "$2" "$3" "$4") >/dev/null 2>&1 &
    sp=$!
    wait_listen "$2" || { kill $sp; return; }
    out=$("${load[@]}")
    pid=$(pgrep -P $sp); kill $pid; wait $sp 2>/dev/null
    awk -v rt="$(field total "$out")" '$NF=="total"{print $4, (NF==6 ? $5 : 0), rt}' "$f"
  fi
}

port=7400
for framing in $FRAMINGS; do
  echo
  echo "### framing: $framing  (median of $ROUNDS rounds of ${SECS}s; usr pooled; syscalls counted with $SYSCOUNT)"
  echo
  echo "| conns | size | rps raw | rps tokio | rps mini | m/t | m/t range | p99 µs raw | tokio | mini | usr ns/RT raw | tokio | mini | m/t | m/raw | sys/RT raw | tokio | mini | EAGAIN/RT raw | tokio | mini |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for size in $SIZES; do for conns in $CONNS; do
    declare -A PORT PID RPS P99 USR KSYS RTS SC FAIL
    for s in "${SERVERS[@]}"; do
      port=$((port + 1)); [ $port -gt 7900 ] && port=7401
      PORT[$s]=$port
      # shellcheck disable=SC2046
      taskset -c 0 $(server_cmd "$s" "$port" "$framing" "$size") >"$OUT/$s.log" 2>&1 &
      PID[$s]=$!
      RPS[$s]=""; P99[$s]=""; USR[$s]=0; KSYS[$s]=0; RTS[$s]=0
    done
    for s in "${SERVERS[@]}"; do wait_listen "${PORT[$s]}" || exit 1; done
    for r in $(seq "$ROUNDS"); do
      for i in 0 1 2; do
        s=${SERVERS[$(((i + r) % 3))]}
        out=$(taskset -c 1 "$LOAD" --addr "127.0.0.1:${PORT[$s]}" --conns "$conns" \
          --size "$size" --secs "$SECS" --warmup "$WARMUP" --server-pid "${PID[$s]}")
        t=$(field total "$out")
        [ -n "$t" ] || { echo "the load client failed against $s: $out" >&2; continue; }
        RPS[$s]+=" $(field rps "$out")"; P99[$s]+=" $(field p99_us "$out")"
        USR[$s]=$(awk -v a="${USR[$s]}" -v u="$(field server_usr_us_per_rt "$out")" -v t="$t" 'BEGIN{print a + u * t}')
        KSYS[$s]=$(awk -v a="${KSYS[$s]}" -v u="$(field server_sys_us_per_rt "$out")" -v t="$t" 'BEGIN{print a + u * t}')
        RTS[$s]=$((RTS[$s] + t))
      done
    done
    for s in "${SERVERS[@]}"; do kill "${PID[$s]}"; wait "${PID[$s]}" 2>/dev/null; done
    for s in "${SERVERS[@]}"; do
      SC[$s]=nan; FAIL[$s]=nan
      [ "$SYSCOUNT" = none ] && continue
      port=$((port + 1)); a=$(count_run "$s" "$port" "$framing" "$size" "$conns" 0)
      port=$((port + 1)); b=$(count_run "$s" "$port" "$framing" "$size" "$conns" "$COUNT_SECS")
      read -r SC[$s] FAIL[$s] < <(awk -v a="$a" -v b="$b" 'BEGIN{split(a, x, " "); split(b, y, " ");
        if (y[3] > 0) printf "%.3f %.3f\n", (y[1] - x[1]) / y[3], (y[2] - x[2]) / y[3]; else print "nan nan"}')
    done
    declare -A M
    for s in "${SERVERS[@]}"; do
      M[rps.$s]=$(median <<<"${RPS[$s]}"); M[p99.$s]=$(median <<<"${P99[$s]}")
      M[usr.$s]=$(awk -v u="${USR[$s]}" -v t="${RTS[$s]}" 'BEGIN{printf "%.0f", t ? u * 1000 / t : 0}')
      M[ksys.$s]=$(awk -v u="${KSYS[$s]}" -v t="${RTS[$s]}" 'BEGIN{printf "%.0f", t ? u * 1000 / t : 0}')
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$framing" "$conns" "$size" "$s" "${M[rps.$s]}" \
        "${M[p99.$s]}" "${M[usr.$s]}" "${M[ksys.$s]}" "${SC[$s]}" "${FAIL[$s]}" >>"$TSV"
    done
    # per-round mini/tokio rps ratios, paired by round
    paired=$(awk -v m="${RPS[mini]}" -v t="${RPS[tokio]}" 'BEGIN{n = split(m, a, " ");
      if (n != split(t, b, " ")) exit; for (i = 1; i <= n; i++) if (b[i] > 0) printf "%.4f ", a[i] / b[i]}')
    pmed=$(median <<<"$paired"); [ "$pmed" = nan ] || pmed=$(printf "%.2f" "$pmed")
    prange=$(tr ' ' '\n' <<<"$paired" | grep -v '^$' | sort -g | awk 'NR==1{lo=$1} {hi=$1}
      END{if (NR) printf "%.2f..%.2f", lo, hi; else print "nan"}')
    echo "| $conns | $size | ${M[rps.raw]} | ${M[rps.tokio]} | ${M[rps.mini]} | $pmed | $prange \
| ${M[p99.raw]} | ${M[p99.tokio]} | ${M[p99.mini]} | ${M[usr.raw]} | ${M[usr.tokio]} | ${M[usr.mini]} \
| $(ratio "${M[usr.mini]}" "${M[usr.tokio]}") | $(ratio "${M[usr.mini]}" "${M[usr.raw]}") \
| ${SC[raw]} | ${SC[tokio]} | ${SC[mini]} | ${FAIL[raw]} | ${FAIL[tokio]} | ${FAIL[mini]} |"
  done; done
done
echo
echo "took $((SECONDS - start)) s; medians in $TSV"
