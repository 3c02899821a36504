package io.codebase.registry.move;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.codebase.registry.credentials.Credentials;
import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.project.ProjectDatabaseAccess;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectMoves;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseMove;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.DatabaseServer;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.security.Audit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs moves, one phase after another, each written ahead in {@code project_moves}, while holding the project's
 * ownership: two replicas never run one move, and a replica that dies (kill -9, a lost network) releases it with its
 * connection, so that the next replica to look ({@link #resumeAbandoned}, on every replica) takes the move up where
 * it stopped. Every phase can run again. A failure before the switch rolls the move back (subscription,
 * publication and slots dropped, writers let in again, the target database dropped); after the switch the move
 * only goes forward.
 */
@Component
class MoveRunner implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(MoveRunner.class);

	/** How often the wait for the copy measures its progress. */
	private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(250);

	private final MoveStore store;

	private final ProjectMoves projects;

	private final ProjectLookup lookup;

	private final DatabaseServers servers;

	private final DatabaseProvisioner provisioner;

	private final ProjectSchemas schemas;

	private final ProjectDatabaseAccess access;

	private final Credentials credentials;

	private final MoveProperties properties;

	private final Audit audit;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	/** The moves this replica runs now. */
	private final Set<UUID> running = ConcurrentHashMap.newKeySet();

	private final ExecutorService executor;

	private volatile boolean stopping;

	MoveRunner(MoveStore store, ProjectMoves projects, ProjectLookup lookup, DatabaseServers servers,
			DatabaseProvisioner provisioner, ProjectSchemas schemas, ProjectDatabaseAccess access,
			Credentials credentials, MoveProperties properties, Audit audit, PlatformTransactionManager transactionManager,
			ApplicationEventPublisher events) {
		this.store = store;
		this.projects = projects;
		this.lookup = lookup;
		this.servers = servers;
		this.provisioner = provisioner;
		this.schemas = schemas;
		this.access = access;
		this.credentials = credentials;
		this.properties = properties;
		this.audit = audit;
		this.transactions = new TransactionTemplate(transactionManager);
		this.events = events;
		AtomicInteger threads = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(properties.maxConcurrent(), runnable -> {
			Thread thread = new Thread(runnable, "project-move-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Runs the move in the background, holding {@code owned} until it ends; then releases it. */
	void start(UUID moveId, ProjectMoves.Owned owned) {
		if (this.stopping || !this.running.add(moveId)) {
			owned.close();
			return;
		}
		try {
			this.executor.execute(() -> {
				try (owned) {
					run(moveId, owned);
				}
				catch (RuntimeException ex) {
					log.error("Move {} stopped unexpectedly; another attempt resumes it", moveId, ex);
				}
				finally {
					this.running.remove(moveId);
				}
				// After the ownership is released: a drain waiting for a free slot starts its next move now.
				try {
					this.events.publishEvent(new MoveAttemptEnded(moveId));
				}
				catch (RuntimeException ex) {
					log.warn("After move {}: a drain could not go on now; its next scheduled round does", moveId, ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.running.remove(moveId);
			owned.close();
		}
	}

	/**
	 * Takes up every unfinished move whose runner is gone: whoever can take the project's ownership knows that no
	 * live replica holds it. No clock decides whether a runner is alive.
	 */
	@Scheduled(initialDelayString = "${registry.moves.resume-interval:10s}",
			fixedDelayString = "${registry.moves.resume-interval:10s}")
	void resumeAbandoned() {
		for (Move move : this.store.unfinished()) {
			if (this.stopping || this.running.contains(move.id())) {
				continue;
			}
			this.projects.tryOwn(move.projectId()).ifPresent(owned -> {
				log.info("Resuming move {} of {} ({} -> {}) in {} {}", move.id(), move.projectName(), move.source(),
						move.target(), move.state(), move.phase());
				start(move.id(), owned);
			});
		}
	}

	/** Runs the move's phases while the ownership holds, until it finishes or must wait for another attempt. */
	void run(UUID moveId, ProjectMoves.Owned owned) {
		this.store.started(moveId);
		while (!this.stopping && owned.isHeld()) {
			Move move = this.store.get(moveId);
			if (move.state().finished() || !step(move)) {
				return;
			}
		}
	}

	/**
	 * Runs the move's next phase, or its rollback; false when there is nothing more to do in this attempt (it
	 * finished, failed, or waits for the next attempt). The caller holds the project's ownership.
	 */
	boolean step(Move move) {
		if (move.state() == MoveState.ROLLING_BACK) {
			rollBack(move);
			return false;
		}
		try {
			runPhase(move);
			return true;
		}
		catch (RuntimeException ex) {
			if (this.stopping) {
				log.info("Move {} interrupted in {} by shutdown; another replica resumes it", move.id(), move.phase());
				return false;
			}
			String error = describe(ex);
			if (switched(move)) {
				log.warn("Move {} of {}: {} failed after the switch; retried later: {}", move.id(), move.projectName(),
						move.phase(), error);
				this.store.attemptFailed(move.id(), error);
				return false;
			}
			log.warn("Move {} of {} failed in {}; rolling back: {}", move.id(), move.projectName(), move.phase(), error);
			this.store.rollingBack(move.id(), error);
			rollBack(this.store.get(move.id()));
			return false;
		}
	}

	private void runPhase(Move move) {
		DatabaseServer source = this.servers.server(move.source());
		DatabaseServer target = this.servers.server(move.target());
		DatabaseMove engine = DatabaseMove.between(source, target, move.databaseName());
		switch (move.phase()) {
			case PREPARING -> {
				// Same schema as the source (the move starts only when the source has no migration pending).
				this.provisioner.createDatabase(target, move.databaseName());
				this.schemas.migrate(target, move.databaseName());
				this.access.secure(target, move.databaseName());
				this.store.advance(move.id(), MovePhase.COPYING);
			}
			case COPYING -> {
				engine.checkPrerequisites();
				engine.prepare();
				engine.publish();
				engine.subscribe();
				this.store.advance(move.id(), MovePhase.CATCHING_UP);
			}
			case CATCHING_UP -> {
				catchUp(move, engine);
				this.store.advance(move.id(), MovePhase.FREEZING);
			}
			case FREEZING -> this.transactions.executeWithoutResult(tx -> {
				if (!this.projects.markMoving(move.projectId(), move.source())) {
					throw new IllegalStateException("Project " + move.projectName() + " is no longer READY on " + move.source());
				}
				this.store.advance(move.id(), MovePhase.CUTTING_OVER);
			});
			case CUTTING_OVER -> cutOver(move, engine, source);
			case CLEANING_UP -> {
				engine.cleanUp();
				this.store.succeeded(move.id(), Instant.now().plus(this.properties.sourceGrace()));
				Move done = this.store.get(move.id());
				log.info("Moved {} from {} to {}; writes were frozen for {} ms", move.projectName(), move.source(),
						move.target(), done.freezeMillis());
				this.audit.record("project.move", details(done));
			}
			case DONE -> {
			}
		}
	}

	/** Waits for the copy, recording its progress, until the lag is small enough for a short freeze. */
	private void catchUp(Move move, DatabaseMove engine) {
		long deadline = System.nanoTime() + this.properties.copyTimeout().toNanos();
		long enough = this.properties.cutOverLag().toBytes();
		while (true) {
			DatabaseMove.Progress progress = engine.progress();
			this.store.progress(move.id(), progress);
			if (!progress.subscribed()) {
				throw new IllegalStateException("Database " + move.databaseName() + " is not subscribed on the target");
			}
			if (progress.synced() && progress.lagBytes() != null && progress.lagBytes() <= enough) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The copy did not catch up within " + this.properties.copyTimeout()
						+ " (registry.moves.copy-timeout): " + progress);
			}
			if (this.stopping) {
				throw new IllegalStateException("Stopping");
			}
			pause(PROGRESS_INTERVAL);
		}
	}

	/**
	 * Freezes the source's writers, waits for the target to have every change, copies sequences, and commits the
	 * project's new server together with the next phase: every replica's cache forgets the project at that commit.
	 */
	private void cutOver(Move move, DatabaseMove engine, DatabaseServer source) {
		long start = System.nanoTime();
		List<String> writers = this.credentials.writers(source, move.databaseName());
		engine.cutOver(writers, this.properties.freezeTimeout());
		// A credential issued by a replica that had not yet heard of the cut-over may have slipped in before the
		// revoke: freeze again, with it, until no new one shows up.
		for (List<String> now = this.credentials.writers(source, move.databaseName()); !writers.containsAll(now);
				now = this.credentials.writers(source, move.databaseName())) {
			writers = now;
			engine.cutOver(writers, this.properties.freezeTimeout());
		}
		this.transactions.executeWithoutResult(tx -> {
			if (!this.projects.switchServer(move.projectId(), move.source(), move.target())) {
				throw new IllegalStateException("Project " + move.projectName() + " is no longer on " + move.source());
			}
			this.store.switched(move.id(), Duration.ofNanos(System.nanoTime() - start).toMillis());
		});
	}

	/**
	 * Undoes a move that did not switch: drops the replication objects, lets the writers in again, ends the
	 * project's cut-over, drops the target database and its roles, and records FAILED. A rollback that fails stays
	 * ROLLING_BACK and is tried again by the next attempt.
	 */
	private void rollBack(Move move) {
		try {
			DatabaseServer source = this.servers.server(move.source());
			DatabaseServer target = this.servers.server(move.target());
			if (switched(move)) {
				throw new IllegalStateException("Project " + move.projectName() + " is on " + move.target()
						+ " already; the move cannot be rolled back");
			}
			DatabaseMove.between(source, target, move.databaseName())
				.rollBack(this.credentials.connectingRoles(move.databaseName()));
			this.transactions.executeWithoutResult(tx -> this.projects.clearMoving(move.projectId()));
			this.provisioner.dropDatabase(target, move.databaseName());
			this.access.release(target, move.databaseName());
			this.store.failed(move.id());
			log.info("Move {} of {} rolled back: the project stays on {}", move.id(), move.projectName(), move.source());
			this.audit.record("project.move", details(this.store.get(move.id())));
		}
		catch (RuntimeException ex) {
			if (this.stopping) {
				return;
			}
			log.warn("Rolling back move {} of {} failed; retried later: {}", move.id(), move.projectName(), describe(ex));
			this.store.attemptFailed(move.id(), describe(ex));
		}
	}

	/** Whether the project is on the move's target now: then the move can only go forward. */
	private boolean switched(Move move) {
		return this.lookup.committed().byId(move.projectId()).map(ProjectView::server)
			.filter(move.target()::equals)
			.isPresent();
	}

	private static Map<String, Object> details(Move move) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("moveId", move.id());
		details.put("projectId", move.projectId());
		details.put("name", move.projectName());
		details.put("source", move.source());
		details.put("target", move.target());
		details.put("cause", move.cause());
		details.put("state", move.state());
		details.put("freezeMillis", move.freezeMillis());
		details.put("error", move.error());
		return details;
	}

	private static String describe(RuntimeException ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	private static void pause(Duration interval) {
		try {
			Thread.sleep(interval.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** Running moves stop between (or inside) phases without rolling back; another replica resumes them. */
	@Override
	public void destroy() throws InterruptedException {
		this.stopping = true;
		this.executor.shutdownNow();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

}
