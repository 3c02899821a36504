package io.codebase.registry.project;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.codebase.registry.support.Projects;
import io.codebase.registry.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Invariant 2 (docs/architecture.md#invariants): the cache only ever holds committed rows. */
@SpringBootTest
class ProjectCacheTest {

	@Autowired
	ProjectLookup projects;

	@Autowired
	ProjectLifecycle lifecycle;

	@Autowired
	ProjectEdits edits;

	@Autowired
	ProjectRepository repository;

	@Autowired
	ProjectCache cache;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	MeterRegistry meters;

	@Test
	void readsAreServedFromTheCacheUntilACommittedWriteInvalidatesThem() {
		double heard = this.meters.get("registry.coherence.notifications").counter().count();
		ProjectView project = create("cached");
		// The create's own commits (insert, then READY) are announced; once this replica has heard both, nothing
		// in flight can evict the entry the next read caches.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.meters.get("registry.coherence.notifications").counter().count() >= heard + 2);
		ProjectView cached = this.projects.cached().get(project.id().toString());
		// A change made behind the service's back is not seen: the value comes from the cache...
		TestDatabase.get()
			.executeUnannounced("UPDATE projects SET description = 'behind its back' WHERE id = '" + project.id() + "'");
		assertThat(this.projects.cached().get(project.id().toString()).description()).isNull();
		assertThat(this.meters.get("cache.gets").tags("cache", "projects", "result", "hit").functionCounter().count())
			.isPositive();

		// ...until a write through the service commits and invalidates the entry (by id and by name).
		ProjectView updated = this.edits.update(project.id(), ETags.of(cached.version()),
				new ProjectPatch(Map.of("sourcePath", "/src")));
		assertThat(this.projects.cached().get(project.id().toString())).isEqualTo(updated);
		assertThat(this.projects.cached().get(project.name())).isEqualTo(updated);
		assertThat(updated.description()).isEqualTo("behind its back");
	}

	@Test
	void aRolledBackWriteLeavesTheCachedValueRight() {
		ProjectView project = create("rollback");
		ProjectView committed = this.projects.cached().get(project.name());
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);

		assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
			Project row = this.repository.findById(project.id()).orElseThrow();
			row.describe("uncommitted", null, "{}");
			this.repository.saveAndFlush(row);
			// A read inside the transaction sees its own write; it must not reach the cache.
			assertThat(this.projects.cached().get(project.name()).description()).isEqualTo("uncommitted");
			this.projects.cached().byId(project.id());
			throw new IllegalStateException("roll back");
		})).hasMessage("roll back");

		assertThat(this.projects.cached().get(project.name())).isEqualTo(committed);
		assertThat(this.projects.cached().byId(project.id())).contains(committed);
		assertThat(TestDatabase.get().count("SELECT count(*) FROM projects WHERE id = ?::uuid AND description IS NULL",
				project.id().toString())).isEqualTo(1);
	}

	@Test
	void aLoadThatRacesAnInvalidationDoesNotLeaveItsStaleValue() throws Exception {
		ProjectView project = create("race");
		ProjectCache.Key key = new ProjectCache.ById(project.id());
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);

		// A reader has read the old row and is about to store it...
		CompletableFuture<Optional<ProjectView>> reader = CompletableFuture.supplyAsync(() -> this.cache.get(key, () -> {
			loading.countDown();
			awaitLatch(release);
			return Optional.of(project);
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		// ...when a writer commits and invalidates. The invalidation must not be lost to the reader's store.
		CompletableFuture<Void> writer = CompletableFuture.runAsync(
				() -> this.cache.onCommitted(new ProjectChanged(project.id(), project.name(), project.name())));
		Thread.sleep(200);
		release.countDown();
		reader.get(10, TimeUnit.SECONDS);
		writer.get(10, TimeUnit.SECONDS);

		ProjectView fresh = new ProjectView(project.id(), project.name(), "fresh", project.databaseName(),
				project.state(), project.schemaVersion(), project.indexStatus(), null, null, null, null, "{}", null,
				project.version() + 1, project.createdAt(),
				project.updatedAt(), project.server(), project.connection(), null, null);
		assertThat(this.cache.get(key, () -> Optional.of(fresh))).contains(fresh);
	}

	@Test
	void manyReadersRacingManyWritersEndOnTheCommittedValue() throws Exception {
		ProjectView project = create("stress");
		CompletableFuture<?>[] readers = new CompletableFuture<?>[4];
		java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
		for (int i = 0; i < readers.length; i++) {
			readers[i] = CompletableFuture.runAsync(() -> {
				while (writing.get()) {
					this.projects.cached().get(project.name());
					this.projects.cached().byId(project.id());
				}
			});
		}
		ProjectView current = project;
		for (int i = 0; i < 50; i++) {
			current = this.edits.update(project.id(), ETags.of(current.version()), new ProjectPatch(Map.of("description", "v" + i)));
		}
		writing.set(false);
		CompletableFuture.allOf(readers).get(30, TimeUnit.SECONDS);

		assertThat(this.projects.cached().get(project.name())).isEqualTo(current);
		assertThat(this.projects.cached().byId(project.id())).contains(current);
	}

	private ProjectView create(String label) {
		return this.lifecycle.create(new CreateProjectRequest(Projects.uniqueName(label),
				null, null, null));
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
