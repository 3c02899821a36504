# shellcheck shell=bash
# Scenario: JMH micro-benchmarks of the in-process lookup path (bench/jmh/java).
#
# Builds the benchmarks unless SKIP_BUILD=1 finds them built; JMH_OPTS overrides JMH's options. Starts no
# service of its own beyond what LookupBenchmark starts in-process.

scenario_jmh() {
	if [[ $SKIP_BUILD != 1 || ! -f $ROOT/target/bench/jmh.classpath ]]; then
		log "jmh: building the benchmarks (profile bench, into target/bench)"
		(cd "$ROOT" && ./mvnw -B -q -o -Pbench -DskipTests test-compile dependency:build-classpath \
			-Dmdep.includeScope=test -Dmdep.outputFile=target/bench/jmh.classpath) >"$WORK/jmh-build.log" 2>&1 ||
			{ tail -n 40 "$WORK/jmh-build.log" >&2; fail "building the JMH benchmarks failed"; }
	fi
	mark_load jmh
	log "jmh: in-process lookup path ($JMH_OPTS)"
	local -a opts=()
	read -ra opts <<<"$JMH_OPTS"
	java -cp "$ROOT/target/bench/test-classes:$ROOT/target/bench/classes:$(cat "$ROOT/target/bench/jmh.classpath")" \
		org.openjdk.jmh.Main "${opts[@]}" -rf json -rff "$WORK/jmh-raw.json" 'io.codebase.registry.bench.*' \
		>"$WORK/jmh.log" 2>&1 || { tail -n 40 "$WORK/jmh.log" >&2; fail "JMH failed; log: $WORK/jmh.log"; }
	jq '{title: "JMH, in-process lookup path", benchmarks: map({benchmark: (.benchmark | split(".") | last), mode: .mode,
	      score_ns: (.primaryMetric.score * 10 | round / 10),
	      error_ns: (.primaryMetric.scoreError | if type == "number" then . * 10 | round / 10 else null end),
	      unit: .primaryMetric.scoreUnit})}' "$WORK/jmh-raw.json" >"$RESULTS/jmh.json"
}
