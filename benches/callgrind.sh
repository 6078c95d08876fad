#!/usr/bin/env bash
# callgrind.sh [WORKLOAD...] : instructions and syscalls per operation,
# mini_rt vs tokio, for the workloads of `cargo bench --bench runtime`
# (default: all but sleep_overshoot, which measures the clock, not work;
# about 50 s for all, 15 s for --echo).
#
# Instructions: valgrind --tool=callgrind, collecting only inside
# `callgrind_region` (one run of the workload, after an untimed warm-up run,
# so runtime construction and first-use allocations are excluded).
# Syscalls: strace -c -f on 3 runs minus 1 run, divided by the ops in between
# (kernel time is invisible to callgrind, so this column matters).
# Top functions (self instructions per op, summed over inlined copies) go to target/callgrind/NAME.RT.top;
# TOP=N prints the top N of both runtimes for every workload whose
# instruction ratio is >= THRESH (default 0.8). Runs pinned with taskset -c 0.
# Needs valgrind (callgrind_annotate), strace and jq.
#
# callgrind.sh --echo : the same for the echo servers instead: server
# instructions per round trip of the raw-epoll floor, tokio and mini_rt
# (benches/tools/echo_raw.rs, examples/echo_tokio.rs, examples/echo.rs;
# EXACT=SIZE adds --exact SIZE) under the load client
# benches/tools/echo_load.rs (CONNS=50 SIZE=64 for ECHO_SECS=4 s;
# the instructions of a run that only sets up the connections, echoes one
# message on each and closes them are subtracted; ECHO_SERVERS="raw tokio
# mini" picks servers). Writes target/callgrind/echo.SERVER.{out,top}; the
# top functions are per round trip minus the set-up run's too.
# YARDSTICK=DIR (e.g. ../shared/yardstick) uses the echo-load and echo-raw
# that DIR/build.sh builds instead, as a cross-check.
#
# callgrind.sh --echo-matrix : tokio and mini_rt server instructions per
# round trip at every cell of benches/echo.sh (CONNS, SIZES, FRAMINGS as
# there; about 5 min): the steady counterpart of its wall-clock rps.
#
# callgrind.sh --redis : server instructions per request of redis-server
# and examples/resp_server under the same redis-benchmark load (-c 50,
# REDIS_REQUESTS=20000 per test, at -P 1 and -P 16, REDIS_TESTS="ping_mbulk
# set get incr lpush lpop mset"), minus a run of one request per
# connection (start-up, accepts, close); about 4 min. Writes
# target/callgrind/redis.SERVER.TEST.PN.{out,top}. Needs redis-server and
# redis-benchmark (benches/redis.sh installs them).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
for tool in valgrind callgrind_annotate strace jq; do
  command -v $tool >/dev/null || { echo "callgrind.sh needs $tool" >&2; exit 1; }
done
BIN=$(cargo bench --bench runtime --no-run --message-format=json 2>/dev/null |
  jq -r 'select(.executable != null and .target.name == "runtime") | .executable' | tail -1)
OUT=target/callgrind; mkdir -p "$OUT"
TOP=${TOP:-0}; THRESH=${THRESH:-0.8}

# top functions: self instructions per op of callgrind output $1, $2 ops,
# minus those of callgrind output $3 if given (a set-up run)
fn_totals() { # callgrind output -> "instructions<TAB>function" lines
  callgrind_annotate --inclusive=no --auto=no --threshold=100 "$1" 2>/dev/null |
    awk '/^ *[0-9,]+ \( *[0-9.]+%\)  / && !/PROGRAM TOTALS/ {
        c=$1; gsub(",", "", c); line=$0; sub(/^ *[0-9,]+ \( *[0-9.]+%\)  /, "", line)
        sub(/ \[[^]]*\]$/, "", line); sub(/^[^:]*:/, "", line); print c "\t" line }'
}
top_per_op() {
  local base=/dev/null
  if [ -n "${3:-}" ]; then base=$3.fns; fn_totals "$3" >"$base"; fi
  fn_totals "$1" | awk -F'\t' -v ops="$2" -v base="$base" '
      BEGIN { while ((getline l < base) > 0) { split(l, a, "\t"); minus[a[2]] += a[1] } }
      { sum[$2] += $1 }
      END { for (fn in sum) printf "%10.1f  %s\n", (sum[fn] - minus[fn]) / ops, fn }' |
    sort -rn | head -40 || true # head may close the pipe early
}

# echo_ir SERVER CONNS SIZE [EXACT]: server instructions per round trip
# ("IR RTS") of one echo server under callgrind, loaded by echo_load for
# ECHO_SECS, minus a set-up run (start, CONNS connections that each send one
# message, which the server echoes, and close: echo_load --secs 0), so
# accepting, spawning and buffer allocation are not spread over however many
# round trips the run fits; writes $OUT/echo[-exact].SERVER.{out,top,log}
echo_ir() {
  local s=$1 conns=$2 size=$3 exact="" cmd f base out rts ir
  [ -n "${4:-}" ] && exact="--exact $4"
  case $s in
    raw) cmd="$RAW"; exact="" ;;
    tokio) cmd="target/release/examples/echo_tokio" ;;
    mini) cmd="target/release/examples/echo" ;;
  esac
  f=$OUT/echo${4:+-exact}.$s
  # run_server OUT LOAD_SECS: the server under callgrind, under echo_load.
  # Every run listens on PORT+1 (it runs in a subshell, so nothing counts
  # up): each server is stopped and waited for before the next one binds.
  run_server() {
    PORT=$((PORT + 1))
    # shellcheck disable=SC2086
    taskset -c 0 valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$1" \
      $cmd 127.0.0.1:$PORT $exact >"$f.log" 2>&1 &
    local vp=$!
    until ss -Hltn "sport = :$PORT" | grep -q .; do sleep 0.1; done
    taskset -c 1 "$LOAD" --addr 127.0.0.1:$PORT --conns "$conns" \
      --size "$size" --secs "$2" --warmup 0
    # before stopping it, let the (slowed) server accept, serve and close
    # every connection: nothing queued on the listener, none still open
    for _ in $(seq 600); do
      [ -z "$(ss -Htn state established state close-wait "sport = :$PORT")" ] &&
        ss -Hltn "sport = :$PORT" | awk '{exit $2 != 0}' && break
      sleep 0.1
    done
    kill $vp; wait $vp || true
  }
  base=$(run_server "$f.setup.out" 0 >/dev/null; awk '/^totals:/{print $2}' "$f.setup.out")
  out=$(run_server "$f.out" "$ECHO_SECS")
  rts=$(sed -E 's/.*total=([0-9]+).*/\1/' <<<"$out")
  ir=$(awk -v b="$base" '/^totals:/{print $2 - b}' "$f.out")
  top_per_op "$f.out" "$rts" "$f.setup.out" >"$f.top"
  awk -v i="$ir" -v r="$rts" 'BEGIN{printf "%.1f %d\n", i/r, r}'
}

case "${1:-}" in --echo | --echo-matrix)
  cargo build --quiet --release --example echo --example echo_tokio --example echo_load \
    --example echo_raw
  LOAD=target/release/examples/echo_load; RAW=target/release/examples/echo_raw
  if [ -n "${YARDSTICK:-}" ]; then
    B=$("$YARDSTICK/build.sh"); LOAD=$B/echo-load; RAW=$B/echo-raw
  fi
  ECHO_SECS=${ECHO_SECS:-4}; PORT=${PORT:-7590}
esac

if [ "${1:-}" = --echo ]; then
  CONNS=${CONNS:-50}; SIZE=${SIZE:-64}
  echo "server instructions per echo round trip, $CONNS conns x $SIZE B ${EXACT:+(--exact $EXACT)}"
  for s in ${ECHO_SERVERS:-raw tokio mini}; do
    read -r ir rts < <(echo_ir "$s" "$CONNS" "$SIZE" "${EXACT:-}")
    printf "%-6s %8.1f Ir/RT  (%d round trips)\n" "$s" "$ir" "$rts"
    if [ "$TOP" -gt 0 ]; then head -n "$TOP" "$OUT/echo${EXACT:+-exact}.$s.top" | sed 's/^/  /'; fi
  done
  exit 0
fi

if [ "${1:-}" = --echo-matrix ]; then
  CONNS=${CONNS:-1 10 100 1000}; SIZES=${SIZES:-64 4096 65536}; FRAMINGS=${FRAMINGS:-read exact}
  printf "%-7s %6s %6s %12s %12s %7s\n" framing conns size "tokio Ir/RT" "mini Ir/RT" ratio
  for framing in $FRAMINGS; do for size in $SIZES; do for conns in $CONNS; do
    ex=""; [ "$framing" = exact ] && ex=$size
    read -r t _ < <(echo_ir tokio "$conns" "$size" "$ex")
    read -r m _ < <(echo_ir mini "$conns" "$size" "$ex")
    printf "%-7s %6s %6s %12s %12s %6sx\n" "$framing" "$conns" "$size" "$t" "$m" \
      "$(awk -v m="$m" -v t="$t" 'BEGIN{printf "%.2f", m/t}')"
  done; done; done
  exit 0
fi

# redis_ir SERVER TEST PIPELINE: "IR_PER_REQUEST" of redis-server or the
# example under callgrind, minus a run of one request per connection.
redis_ir() {
  local s=$1 t=$2 p=$3 n=${REDIS_REQUESTS:-20000} f base ir
  f=$OUT/redis.$s.$t.P$p
  run_redis() { # OUT REQUESTS PORT
    local cmd vp
    case $s in
      redis) cmd=(redis-server --port "$3" --bind 127.0.0.1 --save "" --appendonly no) ;;
      mini) cmd=(target/release/examples/resp_server "127.0.0.1:$3") ;;
    esac
    taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$1" "${cmd[@]}" >"$f.log" 2>&1 &
    vp=$!
    until ss -Hltn "sport = :$3" | grep -q .; do sleep 0.1; done
    taskset -c 1 redis-benchmark -h 127.0.0.1 -p "$3" -c 50 -n "$2" -P "$p" -t "$t" -q >/dev/null 2>&1
    for _ in $(seq 600); do
      [ -z "$(ss -Htn state established state close-wait "sport = :$3")" ] && break
      sleep 0.1
    done
    kill $vp; wait $vp || true
  }
  run_redis "$f.setup.out" 50 $((PORT + 1))
  run_redis "$f.out" "$n" $((PORT + 2))
  base=$(awk '/^totals:/{print $2}' "$f.setup.out")
  ir=$(awk -v b="$base" '/^totals:/{print $2 - b}' "$f.out")
  top_per_op "$f.out" $((n - 50)) "$f.setup.out" >"$f.top"
  awk -v i="$ir" -v r=$((n - 50)) 'BEGIN{printf "%.1f\n", i/r}'
}

if [ "${1:-}" = --redis ]; then
  for tool in redis-server redis-benchmark; do
    command -v $tool >/dev/null || { echo "--redis needs $tool (benches/redis.sh installs it)" >&2; exit 1; }
  done
  cargo build --quiet --release --example resp_server
  PORT=${PORT:-7590}
  printf "%-10s %3s %14s %14s %7s\n" test P "redis Ir/req" "mini Ir/req" ratio
  for p in 1 16; do for t in ${REDIS_TESTS:-ping_mbulk set get incr lpush lpop mset}; do
    r=$(redis_ir redis "$t" "$p"); PORT=$((PORT + 2))
    m=$(redis_ir mini "$t" "$p"); PORT=$((PORT + 2))
    printf "%-10s %3s %14s %14s %6sx\n" "$t" "$p" "$r" "$m" "$(awk -v m="$m" -v r="$r" 'BEGIN{printf "%.2f", m/r}')"
    if [ "$TOP" -gt 0 ]; then
      for s in redis mini; do head -n "$TOP" "$OUT/redis.$s.$t.P$p.top" | sed "s/^/  $s /"; done
    fi
  done; done
  exit 0
fi

if [ $# -gt 0 ]; then names=("$@"); else mapfile -t names < <("$BIN" --list | grep -v sleep_overshoot); fi

# instructions per op; writes $OUT/$1.$2.{out,log,top}
ir_per_op() {
  local n=$1 rt=$2 f=$OUT/$1.$2
  taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$f.out" \
    --toggle-collect='*callgrind_region*' "$BIN" --callgrind "$n" "$rt" >"$f.log" 2>&1
  local ops ir
  ops=$(grep -o 'ops=[0-9]*' "$f.log" | cut -d= -f2)
  ir=$(awk '/^totals:/{print $2}' "$f.out")
  top_per_op "$f.out" "$ops" >"$f.top"
  awk -v i="$ir" -v o="$ops" 'BEGIN{printf "%.1f", i/o}'
}

# syscalls per op: (3 runs - 1 run) / ops of 2 runs
sys_per_op() {
  local n=$1 rt=$2 s1 s3 ops1 ops3
  s1=$(taskset -c 0 strace -f -c -o /dev/stdout "$BIN" --callgrind "$n" "$rt" 1 2>/dev/null)
  s3=$(taskset -c 0 strace -f -c -o /dev/stdout "$BIN" --callgrind "$n" "$rt" 3 2>/dev/null)
  ops1=$(grep -o 'ops=[0-9]*' <<<"$s1" | cut -d= -f2)
  ops3=$(grep -o 'ops=[0-9]*' <<<"$s3" | cut -d= -f2)
  awk -v a="$(awk '$NF=="total"{print $4}' <<<"$s1")" -v b="$(awk '$NF=="total"{print $4}' <<<"$s3")" \
    -v o="$((ops3 - ops1))" 'BEGIN{printf "%.3f", (b-a)/o}'
}

printf "%-16s %12s %12s %7s %12s %12s\n" workload "mini Ir/op" "tokio Ir/op" ratio "mini sys/op" "tokio sys/op"
for n in "${names[@]}"; do
  m=$(ir_per_op "$n" mini); t=$(ir_per_op "$n" tokio)
  ms=$(sys_per_op "$n" mini); ts=$(sys_per_op "$n" tokio)
  ratio=$(awk -v m="$m" -v t="$t" 'BEGIN{printf "%.2f", m/t}')
  printf "%-16s %12s %12s %6sx %12s %12s\n" "$n" "$m" "$t" "$ratio" "$ms" "$ts"
  if [ "$TOP" -gt 0 ] && awk -v r="$ratio" -v th="$THRESH" 'BEGIN{exit !(r >= th)}'; then
    for rt in mini tokio; do
      echo "  -- $n, $rt: top $TOP functions, self Ir per op"
      head -n "$TOP" "$OUT/$n.$rt.top" | sed 's/^/  /'
    done
  fi
done
