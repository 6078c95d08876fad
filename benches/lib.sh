# Shell helpers the benchmark scripts share (sourced, not run).

# wait_listen PORT: until something listens on PORT (at most 4 s).
wait_listen() {
  for _ in $(seq 200); do
    ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.02
  done
  echo "nothing listens on port $1" >&2; return 1
}

# field NAME LINE: the value of `NAME=value` in a line of key=value fields.
field() { sed -nE "s/.* $1=([0-9.]+).*/\1/p" <<<" $2"; }

# median: the median of the numbers on stdin (whitespace-separated).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{print NR ? a[int((NR+1)/2)] : "nan"}'; }

# ratio A B: A / B to two decimals ("nan" when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if (b > 0) printf "%.2f", a / b; else print "nan"}'; }
