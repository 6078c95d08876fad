#!/usr/bin/env bash
# syscalls.sh [SERVER] : the system calls of one echo server per round
# trip, counted by strace -c -f while benches/tools/echo_load.rs drives it
# (CONNS=50 SIZE=64 for SECS=2; the server is pinned to cpu 0, the client
# to cpu 1). SERVER is a command line with {PORT} where the port goes;
# default: mini_rt's echo example.
#
#   benches/syscalls.sh
#   MINI_RT_BACKEND=poll benches/syscalls.sh
#   benches/syscalls.sh "target/release/examples/echo_tokio 127.0.0.1:{PORT}"
#   benches/syscalls.sh "target/release/examples/echo_raw 127.0.0.1:{PORT}"
#
# Prints each syscall's count divided by the round trips (set-up calls such
# as accept4 and close included; those under 0.0005 left out), then the sum
# of all. strace slows the server
# so much that the client's next message is always queued: reads that would
# return EAGAIN at full speed do not happen here (benches/echo.sh counts at
# full speed with perf). Needs strace (apt-get install -y strace), taskset, ss.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
for tool in strace taskset ss; do
  command -v $tool >/dev/null || { echo "syscalls.sh needs $tool" >&2; exit 1; }
done
CONNS=${CONNS:-50}; SIZE=${SIZE:-64}; SECS=${SECS:-2}; PORT=${PORT:-7950}
SERVER=${1:-"target/release/examples/echo 127.0.0.1:{PORT}"}
cargo build --quiet --release --example echo --example echo_tokio --example echo_load \
  --example echo_raw || exit 1
OUT=target/syscalls; mkdir -p "$OUT"; f=$OUT/strace.txt
# shellcheck disable=SC2086
taskset -c 0 strace -f -c -o "$f" ${SERVER//\{PORT\}/$PORT} >"$OUT/server.log" 2>&1 &
sp=$!
for _ in $(seq 200); do ss -Hltn "sport = :$PORT" | grep -q . && break; sleep 0.05; done
out=$(taskset -c 1 target/release/examples/echo_load --addr "127.0.0.1:$PORT" --conns "$CONNS" \
  --size "$SIZE" --secs "$SECS" --warmup 0)
kill "$(pgrep -P $sp)" 2>/dev/null; wait $sp 2>/dev/null
rts=$(sed -nE 's/.*total=([0-9]+).*/\1/p' <<<"$out")
[ "${rts:-0}" -gt 0 ] || { echo "no round trips: $out" >&2; exit 1; }
# strace -c rows: % time, seconds, usecs/call, calls, [errors,] syscall;
# those under 0.0005 per round trip are left out (but counted in the sum)
awk -v rts="$rts" '$NF != "total" && $4 ~ /^[0-9]+$/ && NF >= 5 {
    sum += $4; if ($4 / rts >= 0.0005) printf "%-16s %8.3f\n", $NF, $4 / rts }
  END { printf "%-16s %8.3f\n", "sum", sum / rts }' "$f" | sort -k2 -rn | awk '
    $1 == "sum" {s = $0; next} {print} END {print s}'
echo "round trips: $rts  ($CONNS connections x $SIZE B, ${SECS}s under strace)"
