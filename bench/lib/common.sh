# shellcheck shell=bash disable=SC2034 # ROOT, JQ_LIB and the settings are used by the files that source this one
# Shared helpers of the benchmark scripts (bench/run.sh and its scenarios): logging, ports, statistics, the
# actuator's metrics, the load on the machine. Sourced, never run; bench/lib/app.sh starts and stops services,
# bench/lib/load.sh drives wrk and pgbench.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH/.." && pwd)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

fail() {
	log "ERROR: $*"
	exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# "10s", "2m" or "10" as whole seconds (pgbench -T wants seconds).
seconds_of() {
	case $1 in
	*s) echo "${1%s}" ;;
	*m) echo $((${1%m} * 60)) ;;
	*) echo "$1" ;;
	esac
}

require() {
	local tool=$1 hint=$2
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed. Install it with: $hint"
}

USED_PORTS=" "
# free_port VAR: sets VAR to a TCP port nothing listens on that this run has not handed out yet.
free_port() {
	local candidate
	for _ in $(seq 1 200); do
		candidate=$((20000 + RANDOM % 40000))
		[[ $USED_PORTS == *" $candidate "* ]] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
			USED_PORTS+="$candidate "
			printf -v "$1" '%s' "$candidate"
			return 0
		fi
	done
	fail "no free TCP port found"
}

# Statistics of a file with one number per line: n, min, p50 (median), p90, p95, p99 (nearest rank), max, mean.
stats_json() {
	sort -g "$1" | awk '
		{ v[NR] = $1; sum += $1 }
		function rank(p,   k) { k = p * NR; if (k > int(k)) k = int(k) + 1; if (k < 1) k = 1; return v[k] }
		END {
			if (NR == 0) { print "{\"n\":0}"; exit }
			median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "{\"n\":%d,\"min\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p95\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"mean\":%.3f}\n",
				NR, v[1], median, rank(0.90), rank(0.95), rank(0.99), v[NR], sum / NR
		}'
}

# jq definitions every scenario uses. ratios(worst): a list of per-round ratios as {per_round, median, worst},
# where worst is the smallest ("min") or the largest ("max") of them, whichever is bad for the measure.
# shellcheck disable=SC2016 # jq's own $variables
JQ_LIB='def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def r(n): . * pow(10; n) | round / pow(10; n);
	def ratios(worst): map(r(3)) as $v
		| {per_round: $v, median: ($v | median | r(3)), worst: (if worst == "min" then ($v | min) else ($v | max) end)};'

http() { curl -s --max-time 60 "$@"; }

# actuator_metric FILTER DEFAULT PORT NAME [TAG...]: jq's FILTER of /actuator/metrics/NAME with the tags, or
# DEFAULT when there is nothing to read: a meter the jar does not have (an older release) is a 404 with no body.
actuator_metric() {
	local filter=$1 default=$2 port=$3 name=$4 query="" tag value
	shift 4
	for tag in "$@"; do query+="${query:+&}tag=$tag"; done
	value=$(http "http://127.0.0.1:$port/actuator/metrics/$name${query:+?$query}" | jq -r "$filter" 2>/dev/null) || true
	echo "${value:-$default}"
}

# metric PORT NAME [TAG...]: the first measurement of an actuator metric (0 if absent).
metric() { actuator_metric '.measurements[0].value // 0' 0 "$@"; }

# timer_sum PORT NAME [TAG...]: "count total_seconds" of an actuator timer (0 0 if absent or never used).
timer_sum() {
	actuator_metric '[(.measurements[] | select(.statistic == "COUNT") | .value), (.measurements[] | select(.statistic == "TOTAL_TIME") | .value)] | "\(.[0] // 0) \(.[1] // 0)"' \
		'0 0' "$@"
}

# psql_on PORT DATABASE [psql arguments...]: a quiet psql session as postgres on a local server.
psql_on() {
	local port=$1 db=$2
	shift 2
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# Load averages and the three busiest processes (CPU over half a second) as each step starts: other builds may
# share the machine. A busy process (over 25% of a core) that this run did not start, directly or through its
# children, is marked "foreign"; summary.json keeps everything and the table ends with a warning.
LOAD_LOG=
mark_load() {
	local busiest ours
	# This run's process tree: the service JVMs, their embedded PostgreSQL and its backends, wrk, pgbench, psql.
	ours=" $(ps -eo pid=,ppid= | awk -v root=$$ '{ parent[$1] = $2 } END {
		for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q]; if (q == root) printf "%s ", p } }')"
	busiest=$(top -b -c -n 2 -d 0.5 -o %CPU -w 250 2>/dev/null | awk -v ours="$ours" '/^top -/ { frame++ }
		frame == 2 && /^ *[0-9]+ / { cmd = ""; for (i = 12; i <= NF; i++) cmd = cmd " " $i
			tag = (index(ours, " " $1 " ") == 0 && $9 + 0 > 25) ? "FOREIGN " : ""
			printf "%s%s%s%%%s", (n ? " |" : ""), tag, $9, substr(cmd, 1, 100); if (++n == 3) exit }' || true)
	LOAD_LOG+="$1"$'\t'"$(cut -d' ' -f1-3 /proc/loadavg)"$'\t'"$busiest"$'\n'
}

machine_json() {
	jq -n --arg when "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg cores "$(nproc)" \
		--arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
		--arg mem "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" \
		--arg java "$(java -version 2>&1 | head -n 1)" --arg wrk "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)" \
		--arg pgbench "$(pgbench --version 2>/dev/null)" --arg before "${LOAD_BEFORE:-}" --arg after "${LOAD_AFTER:-}" \
		--arg steps "$LOAD_LOG" \
		'{when: $when, cores: ($cores | tonumber), cpu: $cpu, memory: $mem, java: $java, wrk: $wrk, pgbench: $pgbench,
		  uptime_before: $before, uptime_after: $after,
		  loadavg_at_step: ($steps | split("\n") | map(select(length > 0) | split("\t") | {step: .[0], loadavg: .[1], busiest: .[2]}))}'
}

# packaged_jar DIR: the Spring Boot jar in DIR/target (the plain jar is *.jar.original); fails if there is none.
packaged_jar() {
	local jar
	for jar in "$1"/target/project-registry-*.jar; do
		[[ -f $jar ]] && echo "$jar" && return 0
	done
	return 1
}

# value_of NAME: the value of the variable NAME (empty if unset), for names built at run time (SIDE_A_BASE).
value_of() { printf '%s' "${!1:-}"; }
