package io.codebase.registry;

import java.util.List;
import java.util.stream.IntStream;

import io.codebase.registry.project.CreateProjectRequest;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** A restart forgets nothing: a fresh application on the same database finds every project. */
class RegistryRestartTest {

	@Test
	void aFreshApplicationSeesEveryProjectTheLastOneCreated() {
		String prefix = Projects.uniqueName("restart");
		List<ProjectView> created;
		try (ConfigurableApplicationContext first = start()) {
			ProjectLifecycle projects = first.getBean(ProjectLifecycle.class);
			ProjectLookup lookup = first.getBean(ProjectLookup.class);
			created = IntStream.range(0, 5)
				.mapToObj(i -> projects.create(new CreateProjectRequest(prefix + " " + i, null, null, null)))
				// As stored: the placement explanation belongs to the creating answer only.
				.map(project -> project.withPlacement(null))
				.toList();
			// Warm the first application's cache; the second must not need it.
			created.forEach(project -> lookup.cached().get(project.name()));
		}

		try (ConfigurableApplicationContext second = start()) {
			ProjectLookup projects = second.getBean(ProjectLookup.class);
			for (ProjectView project : created) {
				assertThat(projects.cached().byId(project.id())).contains(project);
				assertThat(projects.cached().get(project.name().toUpperCase())).isEqualTo(project);
				assertThat(project.state()).isEqualTo(ProjectState.READY);
				assertThat(TestDatabase.get().databaseExists(project.databaseName())).isTrue();
			}
		}
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(ProjectRegistryApplication.class)
			.properties(TestDatabase.get().properties())
			.run("--server.port=0");
	}

}
