#!/usr/bin/env bash
# Soak test under valgrind: an echo server (examples/soak_server.rs) serves
# CONNECTIONS concurrent connections x MESSAGES messages from a verifying
# client (examples/soak_client.rs, every byte checked), then exits cleanly;
# valgrind must report zero errors and no definite leak.
#
#   scripts/soak.sh [CONNECTIONS=1000] [MESSAGES=100]
#
# Runs once per readiness backend (SOAK_BACKENDS, default all six), since
# each has its own unsafe code in runtime/src/sys/, and per runtime
# (SOAK_WORKERS, default "0 2"): 0 is the current-thread runtime, 2 a
# multi-thread runtime of two workers, whose accepted sockets all move from
# the accepting loop to a worker (the cross-thread wakes and hand-overs
# run under valgrind too). Needs valgrind (apt-get install valgrind). After
# the release build, takes about 5 s per run on a 2-core machine (about
# 60 s for all twelve), so CI (.ci/run) runs it on every backend.
#
# io-uring: valgrind (3.19 and later) follows io_uring's system calls, and
# this backend hands the kernel no buffers (poll requests only; the rings
# are shared mappings valgrind counts as defined), so it runs under valgrind
# like the others, but only on the current-thread runtime: valgrind runs
# io_uring_enter holding its thread lock, so with workers the first one to
# wait in it would freeze the others. Where the kernel refuses io_uring,
# examples/backend_probe says why and the soak skips that backend.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${1:-1000}
MESSAGES=${2:-100}
LIMIT=${SOAK_TIMEOUT:-120}
BACKENDS=${SOAK_BACKENDS:-epoll epoll-lt epoll-oneshot poll select io-uring}
WORKERS=${SOAK_WORKERS:-0 2}

if ! command -v valgrind >/dev/null 2>&1; then
  echo "soak: valgrind is not installed (apt-get install valgrind); cannot run the soak" >&2
  exit 2
fi

# Each side holds CONNECTIONS sockets at once.
want=$((CONNECTIONS * 2 + 256))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want"
echo "soak: ulimit -n $(ulimit -n)"

cargo build --release --example soak_server --example soak_client --example backend_probe
bin=target/release/examples

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# One soak of the server on backend $1 with $2 workers (0: current-thread).
soak_one() {
  local backend=$1 workers=$2 addr start client_ok server_status
  local name="$backend"
  if [ "$workers" != 0 ]; then name="$backend, $workers workers"; fi
  MINI_RT_BACKEND=$backend valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
    --log-file="$work/valgrind.log" \
    "$bin/soak_server" 127.0.0.1:0 "$CONNECTIONS" "$workers" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!

  # Wait for the server (slow to start under valgrind) to print its address.
  addr=
  for _ in $(seq 1 600); do
    addr=$(sed -n 's/^LISTENING //p' "$work/server.out")
    [ -n "$addr" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$addr" ]; then
    echo "soak[$name]: the server did not start" >&2
    cat "$work/server.err" "$work/valgrind.log" >&2
    return 1
  fi
  echo "soak[$name]: server under valgrind at $addr; $CONNECTIONS connections x $MESSAGES messages"

  start=$(date +%s)
  client_ok=1
  timeout "$LIMIT" "$bin/soak_client" "$addr" "$CONNECTIONS" "$MESSAGES" || client_ok=0

  # The server exits by itself once every connection closed.
  server_status=0
  if [ "$client_ok" = 1 ]; then
    for _ in $(seq 1 600); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "soak[$name]: the server did not exit; killing it" >&2
    kill -9 "$server_pid" 2>/dev/null || true
    server_status=124
  fi
  wait "$server_pid" || server_status=$?
  server_pid=

  echo "soak[$name]: took $(( $(date +%s) - start )) s"
  cat "$work/server.out"
  grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable' "$work/valgrind.log" || true
  if [ "$client_ok" != 1 ] || [ "$server_status" != 0 ]; then
    echo "soak[$name]: FAILED (client ok: $client_ok, server exit status: $server_status)" >&2
    cat "$work/server.err" >&2
    cat "$work/valgrind.log" >&2
    return 1
  fi
  echo "soak[$name]: passed (zero valgrind errors, no definite leaks)"
}

passed=
for backend in $BACKENDS; do
  # Exit 3: the machine refuses this backend (the probe prints why).
  probe_status=0
  "$bin/backend_probe" "$backend" >"$work/probe.out" || probe_status=$?
  if [ "$probe_status" = 3 ]; then
    echo "soak[$backend]: skipped: $(cat "$work/probe.out")"
    continue
  elif [ "$probe_status" != 0 ]; then
    echo "soak[$backend]: the backend probe failed" >&2
    cat "$work/probe.out" >&2
    exit 1
  fi
  for workers in $WORKERS; do
    # valgrind (3.19) runs io_uring_enter without releasing its thread
    # lock, so a worker blocked in it freezes every other thread (the
    # server never even starts listening): io-uring soaks current-thread.
    if [ "$backend" = io-uring ] && [ "$workers" != 0 ]; then
      echo "soak[$backend, $workers workers]: skipped: valgrind holds its thread lock through io_uring_enter"
      continue
    fi
    soak_one "$backend" "$workers"
  done
  passed="$passed $backend"
done
echo "soak: all backends passed:$passed (workers: $WORKERS)"
