package io.codebase.registry.reconciliation;

import io.codebase.registry.web.ApiException;

import org.springframework.http.HttpStatus;

/**
 * Another reconciliation holds the lock, on this replica or another. A 409 rather than a 503: the service is
 * fine, this one request conflicts with a run in progress, and retrying it on another replica would not help.
 */
class ReconciliationRunningException extends ApiException {

	static final int RETRY_AFTER_SECONDS = 5;

	ReconciliationRunningException() {
		super(HttpStatus.CONFLICT, "reconciliation-running", "Reconciliation already running",
				"Another reconciliation is running (on this or another replica); retry in a few seconds, or GET "
						+ "/api/v1/reconciliation for a report that needs no lock");
		getHeaders().set("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
	}

}
