package io.codebase.registry.fault;

import java.util.List;

/**
 * One broken invariant: its kind, what was seen, where in the run (history and step; step -1 is the check between
 * histories), and the ids and names that pick the relevant lines out of the operation history.
 */
record Violation(Kind kind, String detail, int history, int step, List<String> keys) {

	enum Kind {

		/** A project acknowledged as created (or seen existing) is gone without an acknowledged delete. */
		LOST_WRITE,
		/** A project whose delete was acknowledged exists again, and nothing acknowledged re-creating it. */
		RESURRECTED,
		/** An acknowledged PATCH or index-status report is not what PostgreSQL holds. */
		LOST_UPDATE,
		/** A managed database that no project row owns (and that the test did not orphan by hand). */
		ORPHAN_DATABASE,
		/** A READY row whose database does not exist (and that the test did not drop by hand). */
		READY_WITHOUT_DATABASE,
		/** A row still PROVISIONING after one POST /api/v1/reconciliation at a quiet moment. */
		LEFT_PROVISIONING,
		/** A row still DELETING after one POST /api/v1/reconciliation at a quiet moment. */
		LEFT_DELETING,
		/** A replica's GET disagrees with PostgreSQL after the settle time. */
		STALE_REPLICA,
		/** A request got no answer within the client deadline. */
		DEADLINE,
		/** A 500, or another 5xx outside a fault window. */
		SERVER_ERROR,
		/** A status the API does not promise for this request. */
		UNEXPECTED_STATUS,
		/** A live replica refused or dropped the connection while no fault touched it. */
		CONNECTION_ERROR,
		/** A resolution answered a project that is not READY, or whose database does not exist. */
		HANDED_OUT_WITHOUT_DATABASE,
		/** Simultaneous get-or-creates of one name answered different projects, or more than one said created. */
		GET_OR_CREATE_SPLIT,
		/** A session-config resolution did not write the project's id back into the config file. */
		WRITE_BACK_MISSING,
		/** A replica did not become ready again after a fault healed (or did not start). */
		NOT_RECOVERED,
		/**
		 * A live replica answered its readiness probe with anything but 200 while PostgreSQL was down: a failover would
		 * take it out of the Service, and its cached answers would reach nobody.
		 */
		NOT_READY_DURING_OUTAGE

	}

	Violation(Kind kind, String detail, List<String> keys) {
		this(kind, detail, -1, -1, keys);
	}

	Violation at(int history, int step) {
		return new Violation(this.kind, this.detail, history, step, this.keys);
	}

	@Override
	public String toString() {
		return this.kind + " (history " + this.history + (this.step >= 0 ? ", step " + this.step : ", quiet check") + "): "
				+ this.detail;
	}

}
