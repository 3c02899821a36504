package io.codebase.registry.reconciliation;

import java.time.Duration;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/**
 * Another reconciliation holds the lock, on this replica or another. A conflict rather than an outage: the
 * service is fine, this one request conflicts with a run in progress, and retrying it on another replica would
 * not help.
 */
public class ReconciliationRunningException extends RegistryException {

	ReconciliationRunningException() {
		super(ProblemCategory.CONFLICT, "reconciliation-running", "Reconciliation already running",
				"Another reconciliation is running (on this or another replica); retry in a few seconds, or GET "
				+ "/api/v1/reconciliation for a report that needs no lock");
		retryAfter(Duration.ofSeconds(5));
	}

}
