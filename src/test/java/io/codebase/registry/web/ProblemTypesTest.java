package io.codebase.registry.web;

import java.time.Duration;
import java.util.List;

import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.ProjectBusyException;
import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.reconciliation.ReconciliationRunningException;
import io.codebase.registry.web.ProblemTypes.ProblemType;
import io.codebase.registry.web.ProblemTypes.WebProblem;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The problem table alone, without Spring MVC: every domain exception is in it, and a few map as promised. */
class ProblemTypesTest {

	@Test
	void everyDomainExceptionHasAProblemType() {
		List<Class<? extends RegistryException>> exceptions = domainExceptions();

		assertThat(exceptions).hasSizeGreaterThanOrEqualTo(17).contains(ProjectNotFoundException.class,
				InvalidRequestException.class, ReconciliationRunningException.class);
		assertThat(exceptions).allSatisfy(type -> assertThat(ProblemTypes.of(type)).as(type.getName()).isPresent());
	}

	/** {@code registry.sync} counts refusals as rejected: a refusal must be what the table answers with a 4xx. */
	@Test
	void onlyExceptionsAnsweredWithA5xxAreFailures() throws Exception {
		for (Class<? extends RegistryException> type : domainExceptions()) {
			boolean failure = type.getMethod("isRefusal").getDeclaringClass() != RegistryException.class;
			assertThat(ProblemTypes.of(type).orElseThrow().status().is5xxServerError()).as(type.getName())
				.isEqualTo(failure);
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
		assertThat(ProblemTypes.of(ProjectBusyException.class)).get()
			.isEqualTo(new ProblemType(HttpStatus.SERVICE_UNAVAILABLE, "Project is being provisioned", Duration.ofSeconds(2)));
		ErrorResponseException outage = ProblemFactory.of(WebProblem.DATABASE_UNAVAILABLE, "down");
		assertThat(outage.getBody().getType()).hasToString("urn:project-registry:problem:database-unavailable");
		assertThat(outage.getHeaders().getFirst("Retry-After")).isEqualTo("5");
	}

	@Test
	void anExceptionMissingFromTheTableIsABug() {
		RegistryException unlisted = new RegistryException("unlisted", "not in the table") {
		};

		assertThatIllegalStateException().isThrownBy(() -> ProblemFactory.of(unlisted))
			.withMessageContaining("No problem type");
	}

	@Test
	void untypedProblemsAreTitledByTheirStatus() {
		assertThat(ProblemFactory.untyped(404, "Not Found").getTitle()).isEqualTo("Not Found");
		assertThat(ProblemFactory.untyped(499, "gone").getTitle()).isEqualTo("Error");
		assertThat(ProblemFactory.untyped(404, "Not Found").getType()).isNull();
	}

	private static List<Class<? extends RegistryException>> domainExceptions() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AssignableTypeFilter(RegistryException.class));
		return scanner.findCandidateComponents("io.codebase.registry")
			.stream()
			.map(BeanDefinition::getBeanClassName)
			.<Class<? extends RegistryException>>map(name -> load(name).asSubclass(RegistryException.class))
			.toList();
	}

	private static Class<?> load(String name) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
