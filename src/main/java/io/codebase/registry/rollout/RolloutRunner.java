package io.codebase.registry.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.provisioning.ProvisioningException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs schema rollouts: migrates the pending items of a rollout with a pool of {@code parallelism} threads.
 * <p>
 * Exactly one replica runs a rollout: the one holding a session-level advisory lock keyed by the rollout id, on a
 * connection kept open for the whole run. A replica that dies loses its connection and with it the lock, so
 * another replica (or the same one, restarted) takes the rollout over at its next look ({@link #resumeUnfinished()}
 * at start-up and every {@code resume-interval}) and migrates what is still PENDING. An item interrupted half-way
 * is simply migrated again: Flyway serializes migrations of one database and skips what is applied.
 * <p>
 * Each item is isolated: a failure is recorded on that item and the others go on.
 */
@Component
class RolloutRunner implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RolloutRunner.class);

	/** The advisory-lock class (first key) of rollouts; the second key is derived from the rollout id. */
	private static final int LOCK_CLASS = 0x5c4e_7a01;

	private static final long SHUTDOWN_WAIT_SECONDS = 30;

	/** What a handled item ends as (PENDING is not an outcome). */
	private static final Set<ItemState> OUTCOMES = EnumSet.of(ItemState.SUCCEEDED, ItemState.FAILED, ItemState.SKIPPED);

	private final RolloutStore store;

	private final ProjectLookup projects;

	private final ProjectLifecycle lifecycle;

	private final ProjectSchemas schemas;

	private final DataSource dataSource;

	private final MeterRegistry meters;

	private final DatabaseServers servers;

	/** One coordinator thread: this replica runs at most one rollout at a time, the next one after it. */
	private final ExecutorService coordinator = Executors.newSingleThreadExecutor(named("schema-rollout"));

	/** Rollouts queued or running here, so a look for unfinished ones does not queue them twice. */
	private final Set<UUID> queued = ConcurrentHashMap.newKeySet();

	private final AtomicInteger pending = new AtomicInteger();

	/** 1 while a rollout is RUNNING in the registry: as this replica runs it, or saw it at its last look. */
	private final AtomicInteger running = new AtomicInteger();

	private volatile boolean stopping;

	RolloutRunner(RolloutStore store, ProjectLookup projects, ProjectLifecycle lifecycle, ProjectSchemas schemas,
			DataSource dataSource, MeterRegistry meters, DatabaseServers servers) {
		this.servers = servers;
		this.store = store;
		this.projects = projects;
		this.lifecycle = lifecycle;
		this.schemas = schemas;
		this.dataSource = dataSource;
		this.meters = meters;
		Gauge.builder("registry.schema.rollout.pending", this.pending, AtomicInteger::get)
			.description("Project databases still to migrate in the schema rollout this replica runs")
			.register(meters);
		Gauge.builder("registry.schema.rollout.running", this.running, AtomicInteger::get)
			.description("1 while a schema rollout is RUNNING in the registry: run by this replica, or seen RUNNING at "
					+ "its last look for unfinished rollouts (every resume-interval)")
			.register(meters);
		// Every outcome at zero from the start: a halted-rollout alert compares progress with nothing otherwise.
		for (ItemState outcome : OUTCOMES) {
			handled(outcome);
		}
	}

	/** Runs the rollout in the background, after the one this replica runs now, if any. */
	void launch(UUID rolloutId) {
		if (this.stopping || !this.queued.add(rolloutId)) {
			return;
		}
		this.coordinator.execute(() -> {
			try {
				run(rolloutId);
			}
			catch (RuntimeException | SQLException ex) {
				log.warn("Schema rollout {} stopped: {}; it is resumed at the next check", rolloutId, ex.getMessage());
			}
			finally {
				this.pending.set(0);
				this.queued.remove(rolloutId);
			}
		});
	}

	/** Resumes a RUNNING rollout that no replica runs, e.g. after the one that ran it restarted or died. */
	@Scheduled(fixedDelayString = "${registry.schema-rollouts.resume-interval:30s}")
	void resumeUnfinished() {
		if (this.stopping || !this.schemas.enabled()) {
			return;
		}
		try {
			Optional<RolloutStore.RolloutRow> unfinished = this.store.findRunning();
			this.running.set(unfinished.isPresent() ? 1 : 0);
			unfinished.ifPresent(rollout -> {
				if (!rollout.locations().equals(this.schemas.locations())) {
					log.warn("Schema rollout {} was started with locations {}, this replica has {}; leaving it to a "
							+ "replica with the same ones", rollout.id(), rollout.locations(), this.schemas.locations());
					return;
				}
				launch(rollout.id());
			});
		}
		catch (RuntimeException ex) {
			log.warn("Cannot look for unfinished schema rollouts: {}", ex.getMessage());
		}
	}

	private void run(UUID rolloutId) throws SQLException {
		try (Connection lock = this.dataSource.getConnection()) {
			if (!tryLock(lock, rolloutId)) {
				log.debug("Schema rollout {} is run by another replica", rolloutId);
				return;
			}
			try {
				Optional<RolloutStore.RolloutRow> rollout = this.store.find(rolloutId)
					.filter(row -> row.state() == RolloutState.RUNNING);
				if (rollout.isPresent()) {
					this.running.set(1);
					migrateAll(rollout.get());
				}
			}
			finally {
				unlock(lock, rolloutId);
			}
		}
	}

	private void migrateAll(RolloutStore.RolloutRow rollout) {
		List<RolloutItem> work = this.store.pendingItems(rollout.id());
		this.pending.set(work.size());
		log.info("Schema rollout {}: migrating {} project databases, {} at a time", rollout.id(), work.size(),
				rollout.parallelism());
		ExecutorService workers = Executors.newFixedThreadPool(rollout.parallelism(), named("schema-rollout-worker"));
		try {
			for (RolloutItem item : work) {
				workers.execute(() -> {
					if (!this.stopping) {
						migrate(rollout.id(), item);
						this.pending.decrementAndGet();
					}
				});
			}
			workers.shutdown();
			while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
				// Items finish one by one; a shutdown lets the ones under way end and skips the rest.
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			workers.shutdownNow();
		}
		if (this.store.completeIfDone(rollout.id())) {
			this.running.set(0);
			log.info("Schema rollout {} completed: {}", rollout.id(), this.store.countByState(rollout.id()));
		}
	}

	/** Migrates one project database and records its outcome; never throws, so one item cannot stop the others. */
	private void migrate(UUID rolloutId, RolloutItem item) {
		try {
			Optional<ProjectView> project = this.projects.committed().byId(item.projectId());
			if (project.isEmpty() || project.get().state() != ProjectState.READY) {
				finish(rolloutId, item, ItemState.SKIPPED, null, null, project.isEmpty() ? "the project was deleted"
						: "the project is " + project.get().state() + ", no longer READY");
				return;
			}
			String from = project.get().schemaVersion();
			try {
				ProjectSchemas.Migration migration = this.schemas
					.migrate(this.servers.server(project.get().server()), item.databaseName());
				if (migration.to() != null) {
					this.lifecycle.recordSchemaVersion(item.projectId(), migration.to());
				}
				finish(rolloutId, item, ItemState.SUCCEEDED, migration.from(), migration.to(), null);
			}
			catch (ProvisioningException ex) {
				// A project deleted while its database was migrated is skipped, not failed.
				boolean stillReady = this.projects.committed().byId(item.projectId())
					.filter(current -> current.state() == ProjectState.READY)
					.isPresent();
				finish(rolloutId, item, stillReady ? ItemState.FAILED : ItemState.SKIPPED, from, null, ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			log.warn("Schema rollout {}: project {} left PENDING: {}", rolloutId, item.projectId(), ex.getMessage());
		}
	}

	private void finish(UUID rolloutId, RolloutItem item, ItemState state, String from, String to, String error) {
		this.store.finishItem(rolloutId, item.projectId(), state, from, to, error);
		if (state == ItemState.FAILED) {
			log.warn("Schema rollout {}: {} ({}) failed: {}", rolloutId, item.projectName(), item.databaseName(), error);
		}
		handled(state).increment();
	}

	private Counter handled(ItemState outcome) {
		return Counter.builder("registry.schema.rollout.projects")
			.description("Project databases handled by schema rollouts, by outcome")
			.tag("result", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.meters);
	}

	private static boolean tryLock(Connection connection, UUID rolloutId) throws SQLException {
		return lockQuery(connection, "SELECT pg_try_advisory_lock(?, hashtext(?))", rolloutId);
	}

	private static void unlock(Connection connection, UUID rolloutId) {
		try {
			lockQuery(connection, "SELECT pg_advisory_unlock(?, hashtext(?))", rolloutId);
		}
		catch (SQLException ex) {
			// The lock goes with the session; a broken connection is discarded by the pool.
			log.debug("Unlocking schema rollout {} failed: {}", rolloutId, ex.getMessage());
		}
	}

	private static boolean lockQuery(Connection connection, String sql, UUID rolloutId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setInt(1, LOCK_CLASS);
			statement.setString(2, rolloutId.toString());
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getBoolean(1);
			}
		}
	}

	private static ThreadFactory named(String name) {
		AtomicInteger count = new AtomicInteger();
		return runnable -> {
			Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** At the very start of a shutdown, before the web server drains: no new item is started from now on. */
	@EventListener(ContextClosedEvent.class)
	void stopStartingItems() {
		this.stopping = true;
	}

	/** Lets the migrations under way finish and leaves the rest PENDING, for this or another replica to resume. */
	@Override
	public void destroy() throws InterruptedException {
		this.stopping = true;
		this.coordinator.shutdown();
		if (!this.coordinator.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
			this.coordinator.shutdownNow();
		}
	}

}
