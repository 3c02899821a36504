package io.codebase.registry.rollout;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.security.Audit;
import io.codebase.registry.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Every change of a rollout's state goes through here: a conditional update in PostgreSQL (the state it must be in
 * now), then one audit event and the metrics, only when the update happened.
 */
@Component
class RolloutTransitions {

	static final String AUDIT_ACTION = "schema.rollout.state";

	private static final Logger log = LoggerFactory.getLogger(RolloutTransitions.class);

	private final RolloutStore store;

	private final RolloutMetrics metrics;

	private final Audit audit;

	RolloutTransitions(RolloutStore store, RolloutMetrics metrics, Audit audit) {
		this.store = store;
		this.metrics = metrics;
		this.audit = audit;
	}

	/** Moves the rollout from one of {@code from} to {@code to} at {@code wave}; false when it was in none of them. */
	boolean change(Caller caller, UUID rolloutId, Set<RolloutState> from, RolloutState to, int wave, String reason) {
		if (!this.store.transition(rolloutId, from, to, wave, reason)) {
			return false;
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("rollout", rolloutId);
		details.put("state", to.name());
		details.put("wave", wave);
		if (reason != null) {
			details.put("reason", reason);
		}
		this.audit.record(caller, AUDIT_ACTION, details);
		log.info("Schema rollout {} is {} at wave {}{}", rolloutId, to.name().toLowerCase(Locale.ROOT), wave,
				(reason != null) ? ": " + reason : "");
		this.metrics.transitioned(to);
		refresh();
		return true;
	}

	/** Reads the unfinished rollouts by state into the gauges. */
	void refresh() {
		this.metrics.unfinished(this.store.countUnfinishedByState());
	}

}
