package io.codebase.registry.fleet;

import java.time.Duration;
import java.util.List;

import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.problem.RegistryException;

/** No server may take a new project now; nothing was written. The problem lists each server's reason. */
public class NoEligibleServerException extends RegistryException {

	NoEligibleServerException(List<PlacementDecision.Skipped> reasons) {
		super(ProblemCategory.BUSY, "no-eligible-server", "No database server can take the project",
				"No database server can take a new project: " + String.join("; ",
						reasons.stream().map(each -> each.server() + " " + each.detail()).toList()));
		retryAfter(Duration.ofSeconds(30));
		with("servers", reasons);
	}

}
