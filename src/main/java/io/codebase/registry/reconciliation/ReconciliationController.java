package io.codebase.registry.reconciliation;

import java.time.Instant;
import java.util.List;

import io.codebase.registry.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Reconciliation", description = "Find and repair drift between the registry and the databases, "
		+ "directories and sessions it describes.")
class ReconciliationController {

	private static final String PATH = "/api/v1/reconciliation";

	private static final String KIND = "Only these kinds of drift (repeat the parameter, or separate them with commas); "
			+ "none or empty: every kind. "
			+ "One of ORPHAN_DATABASE, MISSING_DATABASE, STUCK_PROVISIONING, LEFTOVER_DELETING, FAILED, EXPIRED_SESSIONS, "
			+ "MISSING_SOURCE_PATH.";

	private final Reconciler reconciler;

	ReconciliationController(Reconciler reconciler) {
		this.reconciler = reconciler;
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "reportDrift", summary = "Report drift",
			description = "Checks every project (or, with changedSince, those changed since and those not READY), the "
					+ "managed databases and the sessions, and reports what disagrees with the registry and what a "
					+ "repairing run would do about it. Changes nothing, takes no lock.")
	@ApiResponse(responseCode = "200", description = "The report; found and remaining are equal, repairs is empty.")
	@ProblemResponses({ 400 })
	ReconciliationReport report(@Parameter(description = KIND)
			@RequestParam(name = "kind", required = false) List<String> kinds,
			@Parameter(description = "Only projects whose row changed at or after this instant (ISO-8601, e.g. "
					+ "2026-11-23T19:00:00Z), and those not READY: what a scheduled run between two full runs looks at",
					schema = @Schema(type = "string", format = "date-time"))
			@RequestParam(required = false) Instant changedSince) {
		return this.reconciler.report(DriftKind.parse(kinds),
				(changedSince != null) ? DriftDetector.Scope.changedOrUnsettledSince(changedSince)
						: DriftDetector.Scope.EVERY_PROJECT);
	}

	@PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "reconcile", summary = "Repair drift now",
			description = "Runs the reconciler now, as the schedule does: finishes stuck provisioning and deletions, "
					+ "handles missing databases by registry.reconciliation.missing-database, retries FAILED projects "
					+ "and drops old orphan databases only if configured, and purges expired sessions. Returns the drift "
					+ "found and each repair attempted. Only one run at a time across all replicas: while another runs, "
					+ "the answer is 409 reconciliation-running with Retry-After.")
	@ApiResponse(responseCode = "200", description = "The run's report, with the repairs it attempted.")
	@ProblemResponses({ 409 })
	ReconciliationReport reconcile(@Parameter(description = KIND)
			@RequestParam(name = "kind", required = false) List<String> kinds) {
		return this.reconciler.reconcile(DriftKind.parse(kinds), ReconciliationMetrics.Trigger.API).orElseThrow(ReconciliationRunningException::new);
	}

}
