package io.codebase.registry.web;


import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.problem.ProblemCategory;
import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.reconciliation.ReconciliationRunningException;
import io.codebase.registry.web.ProblemTypes.WebProblem;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem table alone, without Spring MVC: every category has a status, and a few problems map as promised. */
class ProblemTypesTest {

	/** {@code registry.sync} counts refusals as rejected: a refusal must be what the table answers with a 4xx. */
	@Test
	void onlyCategoriesAnsweredWithA5xxAreFailures() {
		for (ProblemCategory category : ProblemCategory.values()) {
			assertThat(ProblemTypes.statusOf(category).is5xxServerError()).as(category.name())
				.isEqualTo(!category.isRefusal());
			assertThat(ProblemTypes.statusOf(category).is2xxSuccessful()).isFalse();
		}
	}

	@Test
	void aDomainExceptionBecomesItsProblem() {
		ErrorResponseException problem = ProblemFactory.of(new ProjectNotFoundException("payments"));

		assertThat(problem.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(problem.getBody().getType()).hasToString("urn:project-registry:problem:project-not-found");
		assertThat(problem.getBody().getTitle()).isEqualTo("Project not found");
		assertThat(problem.getBody().getDetail()).isEqualTo("No project has the id or name 'payments'");
		assertThat(problem.getHeaders().isEmpty()).isTrue();
	}

	@Test
	void propertiesBecomeExtensionMembersInOrder() {
		ErrorResponseException problem = ProblemFactory
			.of(new InvalidRequestException("name", "must not be blank").with("extra", 1));

		assertThat(problem.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(problem.getBody().getType()).hasToString("urn:project-registry:problem:invalid-request");
		assertThat(problem.getBody().getDetail()).isEqualTo("name: must not be blank");
		assertThat(problem.getBody().getProperties().keySet()).containsExactly("errors", "extra");
	}

	@Test
	void retryAfterComesWithTheTypesThatAskForIt() throws Exception {
		var constructor = ReconciliationRunningException.class.getDeclaredConstructor();
		constructor.setAccessible(true);
		ErrorResponseException running = ProblemFactory.of(constructor.newInstance());

		assertThat(running.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(running.getBody().getType()).hasToString("urn:project-registry:problem:reconciliation-running");
		assertThat(running.getHeaders().getFirst("Retry-After")).isEqualTo("5");
		ErrorResponseException outage = ProblemFactory.of(WebProblem.DATABASE_UNAVAILABLE, "down");
		assertThat(outage.getBody().getType()).hasToString("urn:project-registry:problem:database-unavailable");
		assertThat(outage.getHeaders().getFirst("Retry-After")).isEqualTo("5");
	}

	/** Errors raised outside the registry's code with only a status still get a registry type. */
	@Test
	void everyStatusGetsARegistryType() {
		assertThat(ProblemFactory.forStatus(404, "Not Found").getBody().getType())
			.hasToString("urn:project-registry:problem:no-such-resource");
		assertThat(ProblemFactory.forStatus(415, "x").getBody().getType())
			.hasToString("urn:project-registry:problem:unsupported-media-type");
		ErrorResponseException other = ProblemFactory.forStatus(418, "tea");
		assertThat(other.getStatusCode()).isEqualTo(HttpStatus.I_AM_A_TEAPOT);
		assertThat(other.getBody().getType()).hasToString("urn:project-registry:problem:request-refused");
		assertThat(other.getBody().getTitle()).isEqualTo("I'm a teapot");
		assertThat(ProblemFactory.forStatus(504, "late").getBody().getType())
			.hasToString("urn:project-registry:problem:internal-error");
		assertThat(ProblemFactory.forStatus(499, "unknown").getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
	}

}
