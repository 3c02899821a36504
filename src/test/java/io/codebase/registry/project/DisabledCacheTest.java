package io.codebase.registry.project;

import java.util.Map;

import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code registry.cache.maximum-size=0} sends every read to PostgreSQL. A size-0 Caffeine cache is not enough:
 * it evicts asynchronously, so back-to-back reads would still be answered from memory.
 */
@SpringBootTest(properties = "registry.cache.maximum-size=0")
class DisabledCacheTest {

	@Autowired
	ProjectLookup projects;

	@Autowired
	ProjectLifecycle lifecycle;

	@Autowired
	MeterRegistry meters;

	@Test
	void everyReadGoesToPostgreSqlAndSeesAChangeMadeBehindTheServicesBack() {
		ProjectView project = this.lifecycle
			.create(new CreateProjectRequest(Projects.uniqueName("uncached"), null, null,
					Map.of()));
		for (int round = 0; round < 200; round++) {
			String description = "round " + round;
			TestDatabase.get()
				.execute("UPDATE projects SET description = '" + description + "' WHERE id = '" + project.id() + "'");
			assertThat(this.projects.cached().get(project.name()).description()).isEqualTo(description);
			assertThat(this.projects.cached().get(project.name()).description()).isEqualTo(description);
			assertThat(this.projects.cached().get(project.id().toString()).description()).isEqualTo(description);
		}
		assertThat(this.meters.get("cache.gets").tags("cache", "projects", "result", "hit").functionCounter().count())
			.as("reads answered from memory").isZero();
	}

}
