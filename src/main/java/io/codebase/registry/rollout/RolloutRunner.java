package io.codebase.registry.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectLifecycle;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.provisioning.ProvisioningException;
import io.codebase.registry.security.Caller;
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
 * Runs schema rollouts, wave by wave: the items of a wave with at most {@code parallelism} migrations at once and
 * at most {@code maxPerServer} on any one database server; the next wave only after this one ended within its
 * failure budget.
 * <p>
 * Exactly one replica runs a rollout: the one holding a session-level advisory lock keyed by the rollout id, on a
 * connection kept open for the whole run. A replica that dies loses its connection and with it the lock, so
 * another replica (or the same one, restarted) takes the rollout over at its next look ({@link #resumeUnfinished()}
 * at start-up and every {@code resume-interval}). Everything is written ahead in PostgreSQL: the wave (before it
 * starts) and each item (RUNNING before its migration starts), so the new runner continues in the same wave and
 * starts again only the items that were in flight; Flyway applies each migration with its history row in one
 * transaction and skips what is applied, so no database gets a migration twice.
 * <p>
 * Each item is isolated: a failure is recorded on that item, counted against its wave's budget, and the others go
 * on until the budget is exceeded; then nothing new starts, the running ones finish, and the rollout is HALTED.
 */
@Component
class RolloutRunner implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RolloutRunner.class);

	/** The advisory-lock class (first key) of rollouts; the second key is derived from the rollout id. */
	private static final int LOCK_CLASS = 0x5c4e_7a01;

	private static final long SHUTDOWN_WAIT_SECONDS = 30;

	private static final Set<RolloutState> RUNNING = EnumSet.of(RolloutState.RUNNING);

	private final RolloutStore store;

	private final ProjectLookup projects;

	private final ProjectLifecycle lifecycle;

	private final ProjectSchemas schemas;

	private final DataSource dataSource;

	private final DatabaseServers servers;

	private final RolloutMetrics metrics;

	private final RolloutTransitions transitions;

	/** One coordinator thread: this replica runs at most one rollout at a time, the next one after it. */
	private final ExecutorService coordinator = Executors.newSingleThreadExecutor(named("schema-rollout"));

	/** Rollouts queued or running here, so a look for unfinished ones does not queue them twice. */
	private final Set<UUID> queued = ConcurrentHashMap.newKeySet();

	private final AtomicInteger pending = new AtomicInteger();

	/** 1 while a rollout is RUNNING in the registry: as this replica runs it, or saw it at its last look. */
	private final AtomicInteger running = new AtomicInteger();

	private volatile boolean stopping;

	RolloutRunner(RolloutStore store, ProjectLookup projects, ProjectLifecycle lifecycle, ProjectSchemas schemas,
			DataSource dataSource, MeterRegistry meters, DatabaseServers servers, RolloutMetrics metrics,
			RolloutTransitions transitions) {
		this.servers = servers;
		this.store = store;
		this.projects = projects;
		this.lifecycle = lifecycle;
		this.schemas = schemas;
		this.dataSource = dataSource;
		this.metrics = metrics;
		this.transitions = transitions;
		Gauge.builder("registry.schema.rollout.pending", this.pending, AtomicInteger::get)
			.description("Project databases still to migrate in the wave of the schema rollout this replica runs")
			.register(meters);
		Gauge.builder("registry.schema.rollout.running", this.running, AtomicInteger::get)
			.description("1 while a schema rollout is RUNNING in the registry: run by this replica, or seen RUNNING at "
					+ "its last look for unfinished rollouts (every resume-interval)")
			.register(meters);
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
			this.transitions.refresh();
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
					// Under the lock nobody else runs it: what is RUNNING was in flight on a runner that died.
					int interrupted = this.store.requeueRunning(rolloutId);
					if (interrupted > 0) {
						log.info("Schema rollout {}: starting again {} databases a stopped runner had in flight",
								rolloutId, interrupted);
					}
					runWaves(rollout.get());
				}
			}
			finally {
				unlock(lock, rolloutId);
			}
		}
	}

	private void runWaves(RolloutStore.RolloutRow rollout) {
		RolloutSettings settings = rollout.settings();
		int wave = rollout.currentWave();
		while (true) {
			WaveOutcome outcome = runWave(rollout, wave);
			if (outcome == WaveOutcome.INTERRUPTED) {
				// Stopping, cancelled, or an item could not be recorded: left as it is, for resume or nobody.
				return;
			}
			if (outcome == WaveOutcome.EXCEEDED) {
				long[] failures = this.store.waveFailures(rollout.id(), wave);
				this.metrics.waveEnded(wave, "halted");
				this.transitions.change(Caller.SYSTEM, rollout.id(), RUNNING, RolloutState.HALTED, wave,
						"wave %d (%s): %d of %d databases failed, over the failure budget (%s)".formatted(wave,
								settings.waveName(wave), failures[0], failures[1], budget(settings.failureBudget())));
				this.running.set(0);
				return;
			}
			this.metrics.waveEnded(wave, "passed");
			if (wave == settings.lastWave()) {
				if (this.transitions.change(Caller.SYSTEM, rollout.id(), RUNNING, RolloutState.COMPLETED, wave, null)) {
					this.running.set(0);
					log.info("Schema rollout {} completed: {}", rollout.id(), this.store.countByState(rollout.id()));
				}
				return;
			}
			if (settings.pauseBetweenWaves()) {
				this.transitions.change(Caller.SYSTEM, rollout.id(), RUNNING, RolloutState.PAUSED, wave + 1,
						"wave %d (%s) passed; POST .../resume starts wave %d (%s)".formatted(wave,
								settings.waveName(wave), wave + 1, settings.waveName(wave + 1)));
				this.running.set(0);
				return;
			}
			// The next wave is recorded before any of its databases starts.
			if (!this.transitions.change(Caller.SYSTEM, rollout.id(), RUNNING, RolloutState.RUNNING, wave + 1, null)) {
				return;
			}
			wave++;
		}
	}

	/**
	 * Migrates the PENDING items up to this wave (failures a resume retries first), within the limits, until the
	 * wave's failure budget is exceeded.
	 */
	private WaveOutcome runWave(RolloutStore.RolloutRow rollout, int wave) {
		RolloutSettings settings = rollout.settings();
		List<RolloutItem> queue = new ArrayList<>(this.store.pendingItems(rollout.id(), wave));
		this.pending.set(queue.size());
		AtomicBoolean exceeded = new AtomicBoolean(overBudget(rollout, wave));
		Slots slots = new Slots(settings.parallelism(), settings.maxPerServer());
		ExecutorService workers = Executors.newFixedThreadPool(settings.parallelism(), named("schema-rollout-worker"));
		try {
			while (!queue.isEmpty() && !exceeded.get() && !this.stopping) {
				RolloutItem item = slots.take(queue);
				if (exceeded.get() || this.stopping) {
					slots.release(item.server());
					break;
				}
				if (!this.store.claim(rollout.id(), item.projectId())) {
					slots.release(item.server());
					if (this.store.find(rollout.id()).filter(row -> row.state() == RolloutState.RUNNING).isEmpty()) {
						break;
					}
					continue;
				}
				workers.execute(() -> {
					try {
						if (migrate(rollout.id(), item) == ItemState.FAILED && overBudget(rollout, wave)) {
							exceeded.set(true);
						}
					}
					finally {
						this.pending.decrementAndGet();
						slots.release(item.server());
					}
				});
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			awaitRunning(workers);
		}
		if (exceeded.get()) {
			return WaveOutcome.EXCEEDED;
		}
		boolean ended = this.store.pendingItems(rollout.id(), wave).isEmpty()
				&& this.store.countByState(rollout.id()).get(ItemState.RUNNING) == 0
				&& this.store.find(rollout.id()).filter(row -> row.state() == RolloutState.RUNNING).isPresent();
		return ended ? WaveOutcome.PASSED : WaveOutcome.INTERRUPTED;
	}

	/** Lets the migrations under way finish: a halt, a cancel or a shutdown starts nothing new but stops nothing. */
	private static void awaitRunning(ExecutorService workers) {
		workers.shutdown();
		try {
			while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
				// Items finish one by one.
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean overBudget(RolloutStore.RolloutRow rollout, int wave) {
		RolloutRequest.FailureBudget budget = rollout.settings().failureBudget();
		if (budget == null) {
			return false;
		}
		long[] failures = this.store.waveFailures(rollout.id(), wave);
		return budget.exceededBy(failures[0], failures[1]);
	}

	/**
	 * Migrates one project database and records its outcome; never throws, so one item cannot stop the others.
	 * Returns the outcome; RUNNING when it could not be recorded (it is started again when the rollout is resumed).
	 */
	private ItemState migrate(UUID rolloutId, RolloutItem item) {
		try {
			Optional<ProjectView> project = this.projects.committed().byId(item.projectId());
			if (project.isEmpty() || project.get().state() != ProjectState.READY) {
				return finish(rolloutId, item, ItemState.SKIPPED, null, null, List.of(), project.isEmpty()
						? "the project was deleted" : "the project is " + project.get().state() + ", no longer READY");
			}
			String from = project.get().schemaVersion();
			try {
				ProjectSchemas.Migration migration = this.schemas
					.migrate(this.servers.server(project.get().server()), item.databaseName());
				if (migration.to() != null) {
					this.lifecycle.recordSchemaVersion(item.projectId(), migration.to());
				}
				return finish(rolloutId, item, ItemState.SUCCEEDED, migration.from(), migration.to(), migration.applied(),
						null);
			}
			catch (ProvisioningException ex) {
				// A project deleted while its database was migrated is skipped, not failed.
				boolean stillReady = this.projects.committed().byId(item.projectId())
					.filter(current -> current.state() == ProjectState.READY)
					.isPresent();
				return finish(rolloutId, item, stillReady ? ItemState.FAILED : ItemState.SKIPPED, from, null, List.of(),
						ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			log.warn("Schema rollout {}: project {} left RUNNING, started again on resume: {}", rolloutId,
					item.projectId(), ex.getMessage());
			return ItemState.RUNNING;
		}
	}

	private ItemState finish(UUID rolloutId, RolloutItem item, ItemState state, String from, String to,
			List<String> applied, String error) {
		this.store.finishItem(rolloutId, item.projectId(), state, from, to, applied, error);
		if (state == ItemState.FAILED) {
			log.warn("Schema rollout {}: {} ({}) failed: {}", rolloutId, item.projectName(), item.databaseName(), error);
		}
		this.metrics.handled(state, item.wave(), 1);
		return state;
	}

	private static String budget(RolloutRequest.FailureBudget budget) {
		List<String> limits = new ArrayList<>();
		if (budget.count() != null) {
			limits.add("count " + budget.count());
		}
		if (budget.percent() != null) {
			limits.add(budget.percent().stripTrailingZeros().toPlainString() + " %");
		}
		return String.join(", ", limits);
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

	static ThreadFactory named(String name) {
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

	private enum WaveOutcome {

		/** Every item of the wave has an outcome, within the budget. */
		PASSED,
		/** The wave's failures are over its budget. */
		EXCEEDED,
		/** Not finished: stopping, cancelled, or items left in flight. */
		INTERRUPTED

	}

	/**
	 * The slots of a wave: at most {@code parallelism} migrations at once, and at most {@code maxPerServer} on one
	 * database server. {@link #take} hands out the first queued item whose server has a free slot.
	 */
	static final class Slots {

		private final int parallelism;

		private final int maxPerServer;

		private final Map<String, Integer> perServer = new HashMap<>();

		private int inFlight;

		Slots(int parallelism, int maxPerServer) {
			this.parallelism = parallelism;
			this.maxPerServer = maxPerServer;
		}

		/** Removes and returns the first item of the queue that may start now, waiting until one may. */
		synchronized RolloutItem take(List<RolloutItem> queue) throws InterruptedException {
			while (true) {
				if (this.inFlight < this.parallelism) {
					for (Iterator<RolloutItem> items = queue.iterator(); items.hasNext();) {
						RolloutItem item = items.next();
						if (this.perServer.getOrDefault(item.server(), 0) < this.maxPerServer) {
							items.remove();
							this.inFlight++;
							this.perServer.merge(item.server(), 1, Integer::sum);
							return item;
						}
					}
				}
				wait();
			}
		}

		synchronized void release(String server) {
			this.inFlight--;
			this.perServer.merge(server, -1, Integer::sum);
			notifyAll();
		}

	}

}
