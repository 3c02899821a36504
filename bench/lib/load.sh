# shellcheck shell=bash
# Load generation for the benchmarks: wrk runs with their latency percentiles (bench/wrk/report.lua writes them
# as JSON), pgbench on a query, and rounds of targets in alternating order. Sourced after bench/lib/common.sh.
# Uses the settings DURATION, WARMUP, CONNECTIONS and THREADS (bench/run.sh gives their defaults).

# run_wrk REPORT URL [SCRIPT] [DURATION]: wrk with the shared connection settings; REPORT gets report.lua's JSON
# (rps, latency_us.{mean,p50,p90,p99,max}, errors). A script other than report.lua must dofile() it.
run_wrk() {
	local report=$1 url=$2 script=${3:-$BENCH/wrk/report.lua} duration=${4:-$DURATION}
	if ! WRK_REPORT=$report SEED_ROWS=${SEED_ROWS:-100000} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency \
		--timeout 10s -s "$script" "$url" >"$report.txt" 2>&1; then
		cat "$report.txt" >&2
		fail "wrk failed on $url"
	fi
	[[ -s $report ]] || fail "wrk wrote no report for $url (see $report.txt)"
	local non2xx
	non2xx=$(jq '.errors.status + .errors.connect + .errors.read + .errors.write + .errors.timeout' "$report")
	((non2xx == 0)) || log "WARNING: $non2xx errors or non-2xx answers from $url (see $report)"
}

# round_order ROUND NAME...: the names in their order in odd rounds, reversed in even rounds, so that over two
# rounds each target runs once first and once last (ABBA); neither profits from always following the other.
round_order() {
	local round=$1
	shift
	if ((round % 2)); then
		printf '%s\n' "$@"
	else
		printf '%s\n' "$@" | tac
	fi
}

# run_pgbench REPORT SQL_FILE PG_PORT: a query straight on PostgreSQL, same clients and duration as wrk.
run_pgbench() {
	local report=$1 sql=$2 port=$3 dir tps average_ms
	dir=$(mktemp -d "$WORK/pgbench.XXXXXX")
	if ! (cd "$dir" && pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$(seconds_of "$DURATION")" \
		-f "$sql" -l --log-prefix="$dir/tx" -h 127.0.0.1 -p "$port" -U postgres registry) \
		>"$report.txt" 2>&1; then
		cat "$report.txt" >&2
		fail "pgbench failed"
	fi
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' "$report.txt")
	average_ms=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$report.txt")
	[[ -n $tps && -n $average_ms ]] || fail "no tps in pgbench output ($report.txt); is DURATION long enough to open $CONNECTIONS connections?"
	# pgbench 15 prints no percentiles. Its per-transaction log has them, but coarsely: it reuses a cached clock
	# reading while it handles several clients' results, so many short transactions are logged as 0 us. The
	# log's p99 is kept as an approximation; pgbench's own average is exact (clients / tps).
	cat "$dir"/tx.* | awk '{ print $3 }' >"$dir/latency_us"
	jq -n --argjson tps "$tps" --argjson average_ms "$average_ms" --argjson latency "$(stats_json "$dir/latency_us")" \
		'{rps: $tps, latency_us: {mean: ($average_ms * 1000), p99_from_log: $latency.p99, p90_from_log: $latency.p90,
		  max_from_log: $latency.max}, transactions: $latency.n}' \
		>"$report"
	rm -rf "$dir"
}

# rounds_json DIR ROUNDS NAME...: [{NAME: DIR/r<round>-NAME.json, ...} per round] as one JSON array.
rounds_json() {
	local dir=$1 rounds=$2 round name
	shift 2
	for round in $(seq 1 "$rounds"); do
		local args=() filter="{"
		for name in "$@"; do
			args+=(--slurpfile "$name" "$dir/r$round-$name.json")
			filter+="\"$name\": \$${name}[0],"
		done
		jq -n "${args[@]}" "${filter%,}}"
	done | jq -s .
}
