# shellcheck shell=bash
# Compare mode: two jars (or two commits) side by side in ONE run. Both run at once, each on its own embedded
# PostgreSQL seeded alike; every round runs every target on both, A then B in odd rounds and B then A in even
# rounds (ABBA), so drift and warm-up hit both alike. Prints every per-round ratio B/A with the median and the
# worst. Sourced after bench/lib/common.sh, app.sh and load.sh.
#
# Settings: COMPARE_TARGETS (default "root resolution lookup list"; also "liveness", "startup"), ROUNDS,
# DURATION, WARMUP, WARMUP_PASSES, CONNECTIONS, THREADS, SEED_ROWS (rows seeded into each side),
# COMPARE_ARGS_A / COMPARE_ARGS_B (extra application arguments of one side), COMPARE_JAVA_OPTS_A / _B,
# BENCH_CACHE (where commits' jars are kept; default ~/.cache/registry-bench).

# jar_of REF: REF itself if it is a file, else the jar of the git revision REF, built once into BENCH_CACHE
# from a temporary git worktree (./mvnw -B -o -q -DskipTests package). Prints the jar's path.
jar_of() {
	local ref=$1 sha cache jar tree
	if [[ -f $ref ]]; then
		realpath "$ref"
		return 0
	fi
	sha=$(git -C "$ROOT" rev-parse --verify --quiet "$ref^{commit}") || fail "$ref is neither a jar nor a git revision"
	cache=${BENCH_CACHE:-$HOME/.cache/registry-bench}
	jar=$cache/jars/$sha.jar
	if [[ ! -f $jar ]]; then
		mkdir -p "$cache/jars"
		tree=$cache/src-$sha
		log "building the jar of $ref ($sha) in a git worktree at $tree"
		git -C "$ROOT" worktree add --detach "$tree" "$sha" >&2 || fail "git worktree add $tree failed"
		if ! (cd "$tree" && ./mvnw -B -o -q -DskipTests package) >"$cache/build-$sha.log" 2>&1; then
			git -C "$ROOT" worktree remove --force "$tree"
			tail -n 30 "$cache/build-$sha.log" >&2
			fail "building $ref failed; log: $cache/build-$sha.log"
		fi
		cp "$(packaged_jar "$tree")" "$jar.tmp"
		mv "$jar.tmp" "$jar"
		git -C "$ROOT" worktree remove --force "$tree"
	fi
	echo "$jar"
}

# compare_wrk SIDE TARGET REPORT [DURATION]: one wrk run of a target on side A or B.
compare_wrk() {
	local side=$1 target=$2 report=$3 duration=${4:-$DURATION} base
	base=$(value_of "SIDE_${side}_BASE")
	case $target in
	root) run_wrk "$report" "$base/api/v1" "" "$duration" ;;
	liveness) run_wrk "$report" "$base/actuator/health/liveness" "" "$duration" ;;
	resolution) run_wrk "$report" "$base/api/v1/resolutions?project=bench-hot" "" "$duration" ;;
	lookup) run_wrk "$report" "$base" "$BENCH/wrk/lookup-random.lua" "$duration" ;;
	list) run_wrk "$report" "$base$LIST_PATH_COMPARE" "" "$duration" ;;
	*) fail "unknown compare target $target (root, liveness, resolution, lookup, list, startup)" ;;
	esac
}

# compare_startup SIDE REPORT: one start of SIDE's jar on a fresh embedded PostgreSQL; REPORT gets {ready_ms}.
compare_startup() {
	local side=$1 report=$2 jar args opts
	jar=$(value_of "JAR_$side")
	args=$(value_of "COMPARE_ARGS_$side")
	opts=$(value_of "COMPARE_JAVA_OPTS_$side")
	local -a extra=()
	read -ra extra <<<"$args"
	JAVA_OPTS="$opts $JAVA_OPTS" start_instance STARTUP "startup-$side-$(basename "$report" .json)" "$jar" "" \
		"${extra[@]+"${extra[@]}"}"
	stop_app "$STARTUP_PID"
	rm -rf "$WORK/pg-startup-$side-$(basename "$report" .json)"
	jq -n --argjson ms "$STARTUP_READY_MS" '{ready_ms: $ms}' >"$report"
}

LIST_PATH_COMPARE="/api/v1/projects?size=50&state=READY&namePrefix=bench&sort=createdAt,desc"

# compare_summary DIR: the JSON of a compare run from DIR/r<round>-<target>-<A|B>.json.
compare_summary() {
	local dir=$1 round target side
	for round in $(seq 1 "$ROUNDS"); do
		for target in $COMPARE_TARGETS; do
			for side in A B; do
				jq -c --argjson round "$round" --arg target "$target" --arg side "$side" \
					'{round: $round, target: $target, side: $side, report: .}' "$dir/r$round-$target-$side.json"
			done
		done
	done | jq -s --arg a "$COMPARE_A" --arg b "$COMPARE_B" --arg ja "$JAR_A" --arg jb "$JAR_B" \
		--arg args_a "${COMPARE_ARGS_A:-}" --arg args_b "${COMPARE_ARGS_B:-}" \
		--arg opts_a "${COMPARE_JAVA_OPTS_A:-}" --arg opts_b "${COMPARE_JAVA_OPTS_B:-}" "$JQ_LIB"'
		def side(s): map(select(.side == s)) | sort_by(.round) | map(.report);
		{title: "Compare mode: B against A, alternating ABBA over rounds",
		 a: {ref: $a, jar: $ja, args: $args_a, java_opts: $opts_a}, b: {ref: $b, jar: $jb, args: $args_b, java_opts: $opts_b},
		 targets: (group_by(.target) | map(side("A") as $A | side("B") as $B | .[0].target as $t |
		   if $t == "startup" then
		     {target: $t, a_ready_ms: ($A | map(.ready_ms)), b_ready_ms: ($B | map(.ready_ms)),
		      ready_ratio: ([$A, $B] | transpose | map(.[1].ready_ms / .[0].ready_ms) | ratios("max"))}
		   else
		     {target: $t, a_rps: ($A | map(.rps | r(1))), b_rps: ($B | map(.rps | r(1))),
		      a_p99_ms: ($A | map(.latency_us.p99 / 1000 | r(3))), b_p99_ms: ($B | map(.latency_us.p99 / 1000 | r(3))),
		      rps_ratio: ([$A, $B] | transpose | map(.[1].rps / .[0].rps) | ratios("min")),
		      p99_ratio: ([$A, $B] | transpose | map(.[1].latency_us.p99 / .[0].latency_us.p99) | ratios("max"))}
		   end))}'
}

# print_compare COMPARE_JSON: one line per target and measure, B/A per round, median and worst.
print_compare() {
	jq -r '
		def f(n): (. * pow(10; n) | round / pow(10; n)) | tostring;
		def line(name; x): [name, (x.per_round | map(f(2)) | join(" ")), (x.median | f(2)), (x.worst | f(2))];
		"A = \(.a.ref) \(.a.args) \(.a.java_opts)", "B = \(.b.ref) \(.b.args) \(.b.java_opts)",
		(["Target", "B/A per round", "Median", "Worst"] | @tsv),
		(.targets[] | if .target == "startup" then
			(line("startup ready time (A \(.a_ready_ms | join(" ")) ms; B \(.b_ready_ms | join(" ")) ms)"; .ready_ratio) | @tsv)
		else
			(line("\(.target) req/s (A \(.a_rps | map(f(0)) | join(" ")); B \(.b_rps | map(f(0)) | join(" ")))"; .rps_ratio) | @tsv),
			(line("\(.target) p99 (A \(.a_p99_ms | map(f(1)) | join(" ")) ms; B \(.b_p99_ms | map(f(1)) | join(" ")) ms)"; .p99_ratio) | @tsv)
		end)' "$1" | column -t -s $'\t'
}

# compare_run A B: the whole compare mode (bench/run.sh compare A B).
compare_run() {
	COMPARE_A=$1 COMPARE_B=$2
	JAR_A=$(jar_of "$COMPARE_A") || exit 1
	JAR_B=$(jar_of "$COMPARE_B") || exit 1
	local side dir=$WORK/compare round target needs_seed=0
	mkdir -p "$dir"
	[[ " $COMPARE_TARGETS " == *" lookup "* || " $COMPARE_TARGETS " == *" list "* ]] && needs_seed=1
	for side in A B; do
		local jar args opts
		jar=$(value_of "JAR_$side")
		args=$(value_of "COMPARE_ARGS_$side")
		opts=$(value_of "COMPARE_JAVA_OPTS_$side")
		local -a extra=()
		read -ra extra <<<"$args"
		JAVA_OPTS="$opts $JAVA_OPTS" start_instance "SIDE_$side" "side-$side" "$jar" "" "${extra[@]+"${extra[@]}"}"
		create_project "$(value_of "SIDE_${side}_BASE")" bench-hot
		if ((needs_seed)); then
			log "compare: seeding $SEED_ROWS projects into side $side"
			seed_projects "$(value_of "SIDE_${side}_PG")" "$SEED_ROWS" >/dev/null
		fi
	done
	local http_targets
	http_targets=$(tr ' ' '\n' <<<"$COMPARE_TARGETS" | grep -vx -e startup -e '' | paste -sd' ' || true)
	log "compare: warm-up ($WARMUP_PASSES passes of $WARMUP per target and side)"
	for round in $(seq 1 "$WARMUP_PASSES"); do
		for target in $http_targets; do
			for side in $(round_order "$round" A B); do
				compare_wrk "$side" "$target" "$dir/warm$round-$target-$side.json" "$WARMUP"
			done
		done
	done
	for round in $(seq 1 "$ROUNDS"); do
		mark_load "compare-round-$round"
		log "compare: round $round/$ROUNDS ($(round_order "$round" A B | paste -sd' ') for each of: $COMPARE_TARGETS)"
		for target in $COMPARE_TARGETS; do
			for side in $(round_order "$round" A B); do
				if [[ $target == startup ]]; then
					compare_startup "$side" "$dir/r$round-$target-$side.json"
				else
					compare_wrk "$side" "$target" "$dir/r$round-$target-$side.json"
				fi
			done
		done
	done
	compare_summary "$dir" >"$RESULTS/compare.json"
}
