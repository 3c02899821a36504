# shellcheck shell=bash
# Scenario: Cross-replica staleness: a write through the main instance until a second instance answers it.
#
# The second instance has the cache on and shares the main one's PostgreSQL (LISTEN/NOTIFY). bench/client/
# CoherenceStaleness.java: after STALENESS_UNTIMED (100) untimed writes, per write, resolve on the second instance
# (cached), PATCH on the main one, poll the second back to back. STALENESS_WRITES timed writes. Goal p99 < 100 ms.
# Run it before the scale scenario in one run: it measures a registry with few rows.

scenario_staleness() {
	main_instance
	local dir=$WORK/staleness
	mkdir -p "$dir/client"
	start_instance REPLICA replica "$JAR" "$MAIN_URL"
	mark_load staleness
	log "staleness: $STALENESS_WRITES writes on main, each polled on replica until it answers the new value"
	java "$BENCH/client/CoherenceStaleness.java" "$MAIN_BASE" "$REPLICA_BASE" "staleness-$(date +%H%M%S)" \
		"$STALENESS_WRITES" "$dir/client" "$STALENESS_UNTIMED" >"$dir/client.json" 2>"$dir/client.log" ||
		fail "staleness client failed: $(cat "$dir/client.log")"
	local notifications reconnects
	notifications=$(metric "$REPLICA_PORT" registry.coherence.notifications)
	reconnects=$(metric "$REPLICA_PORT" registry.coherence.reconnects)
	log "stopping replica"
	stop_app "$REPLICA_PID"
	jq -n --argjson n "$STALENESS_WRITES" --argjson ack "$(stats_json "$dir/client/after_ack_ms")" \
		--argjson send "$(stats_json "$dir/client/after_send_ms")" --argjson stale "$(cat "$dir/client/stale_polls")" \
		--argjson notifications "$notifications" --argjson reconnects "$reconnects" '
		{title: "Cross-replica staleness: write committed through the main instance until a second instance (cache on, same PostgreSQL) answers the new value",
		 writes: $n, after_ack_ms: $ack, after_send_ms: $send, stale_answers_after_ack: $stale,
		 replica: {notifications: $notifications, reconnects: $reconnects},
		 client: "bench/client/CoherenceStaleness.java: after STALENESS_UNTIMED (100) untimed writes, per write, resolve on the replica (cached), PATCH on main, poll the replica back to back; after_ack from the PATCH 200 (a lower bound), after_send from sending it (an upper bound)",
		 goal_p99_ms: 100, met: ($ack.p99 < 100)}' >"$RESULTS/staleness.json"
}
