# shellcheck shell=bash
# Raw CREATE DATABASE, the baseline of the provisioning benchmarks, on ONE psql session kept open for all creates,
# as the service's pooled connections are: the first statements of a new backend are slower, so a psql per
# create would handicap the baseline. Sourced after bench/lib/common.sh and bench/lib/app.sh (the cleanup trap
# stops the session).

RAW_MS=

# raw_session_open PG_PORT: starts the session (a coprocess) with \timing on.
raw_session_open() {
	coproc RAW_PSQL { exec stdbuf -oL psql -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres 2>&1; }
	EXTRA_PIDS+=("$RAW_PSQL_PID")
	printf '%s\n' '\timing on' >&"${RAW_PSQL[1]}"
}

# raw_create DATABASE: CREATE DATABASE on the open session; sets RAW_MS to psql's \timing.
raw_create() {
	local line
	RAW_MS=
	echo "CREATE DATABASE $1;" >&"${RAW_PSQL[1]}"
	while IFS= read -r -t 120 line <&"${RAW_PSQL[0]}"; do
		case $line in
		"Time: "*)
			RAW_MS=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$line")
			[[ -n $RAW_MS ]] || fail "raw CREATE DATABASE $1 gave no timing: $line"
			return 0
			;;
		*ERROR*) fail "raw CREATE DATABASE $1: $line" ;;
		esac
	done
	fail "no answer from psql to CREATE DATABASE $1"
}

raw_session_close() {
	local pid=$RAW_PSQL_PID
	echo '\q' >&"${RAW_PSQL[1]}"
	wait "$pid" 2>/dev/null || true
}
