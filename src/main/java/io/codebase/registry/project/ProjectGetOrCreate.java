package io.codebase.registry.project;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.provisioning.DatabaseProvisioner;

import org.springframework.stereotype.Service;

/**
 * The project a caller needs, created if there is none: idempotent under any concurrency, across replicas. N
 * simultaneous callers for one name get one row, one database and one id.
 */
@Service
public class ProjectGetOrCreate {

	/** How long a caller that lost an insert race waits before reading the winner's row. */
	private static final Duration PROVISIONING_POLL = Duration.ofMillis(50);

	/** The longest wait for an owner before the project's row is read again. */
	private static final Duration OWNER_WAIT_SLICE = Duration.ofSeconds(1);

	/**
	 * Rounds of read-then-insert before giving up: each round that loses an insert race finds the winner's row on
	 * its next read, so more than a few rounds means rows appear and vanish under it faster than it can look.
	 */
	private static final int MAX_ROUNDS = 50;

	private final ProjectLookup lookup;

	private final ProjectRows rows;

	private final ProjectProvisioning provisioning;

	private final ProjectRules rules;

	private final DatabaseProvisioner provisioner;

	private final ProjectProperties properties;

	private final ProvisioningOwnership ownership;

	/**
	 * The names (keys) being created by a caller on this replica: the others asking for one wait for that attempt
	 * and read its row, so a burst of callers makes one placement and one insert, not one each. Across replicas,
	 * PostgreSQL still decides (the insert and the ownership lock).
	 */
	private final ConcurrentMap<String, CompletableFuture<Void>> attempts = new ConcurrentHashMap<>();

	ProjectGetOrCreate(ProjectLookup lookup, ProjectRows rows, ProjectProvisioning provisioning, ProjectRules rules,
			DatabaseProvisioner provisioner, ProjectProperties properties, ProvisioningOwnership ownership) {
		this.ownership = ownership;
		this.lookup = lookup;
		this.rows = rows;
		this.provisioning = provisioning;
		this.rules = rules;
		this.provisioner = provisioner;
		this.properties = properties;
	}

	/**
	 * The READY project with this name, created (row, then database) if there is none. A project still being
	 * provisioned by another caller is waited for (bounded); a FAILED one is provisioned again. Adopts the
	 * database the caller names, if any. With {@link CreationPolicy#EXISTING_ONLY}, anything that would insert a
	 * project or create a database is refused before it writes, and an abandoned provisioning is left to an admin
	 * or the reconciler (503 after the wait).
	 */
	public EnsuredProject getOrCreate(EnsureProject wanted, CreationPolicy policy) {
		this.rules.requireValid(new CreateProjectRequest(wanted.name(), wanted.description(), null, null));
		long deadline = System.nanoTime() + this.properties.provisioningWait().toNanos();
		for (int round = 1;; round++) {
			// An empty answer was just read from PostgreSQL (absent names are never cached); a cached project
			// that is not READY may be out of date, so it is read again.
			Optional<ProjectView> existing = this.lookup.cached().byName(wanted.name());
			if (existing.isPresent() && existing.get().state() != ProjectState.READY) {
				existing = this.lookup.committed().byName(wanted.name());
			}
			if (existing.isEmpty()) {
				policy.requireCreate("create the project '" + wanted.name() + "'");
				String key = ProjectName.key(wanted.name());
				CompletableFuture<Void> attempt = new CompletableFuture<>();
				CompletableFuture<Void> other = this.attempts.putIfAbsent(key, attempt);
				if (other != null) {
					// Another caller on this replica is creating the name: its row (or its failure) is what this
					// one would find, without queueing behind it for the server's placement lock.
					awaitAttempt(other, wanted, deadline);
					continue;
				}
				Optional<ProjectView> created;
				try {
					created = tryCreate(wanted);
				}
				finally {
					this.attempts.remove(key, attempt);
					attempt.complete(null);
				}
				if (created.isPresent()) {
					return new EnsuredProject(created.get(), true);
				}
				if (round >= MAX_ROUNDS) {
					throw new ProjectBusyException(wanted.name(), wanted.id());
				}
				// Another caller owns the id or won the insert: its row is about to be readable.
				pause(wanted.name(), wanted.id(), deadline);
				continue;
			}
			ProjectView project = existing.get();
			if (wanted.databaseName() != null && !wanted.databaseName().equals(project.databaseName())) {
				throw ProjectConflictException.databaseMismatch(project, wanted.databaseName());
			}
			switch (project.state()) {
				case READY -> {
					return new EnsuredProject(project, false);
				}
				case FAILED -> {
					return new EnsuredProject(this.provisioning.retryFailed(project, policy), false);
				}
				case DELETING -> throw ProjectConflictException.wrongState(project, "used while it is being deleted");
				case PROVISIONING -> {
					// Nobody owns it: its owner died (a crash); finish it here, at once. Owned: wait for the owner.
					Optional<ProjectView> finished = (policy == CreationPolicy.MAY_CREATE)
							? this.provisioning.finishAbandoned(project) : Optional.empty();
					if (finished.isPresent()) {
						return new EnsuredProject(finished.get(), false);
					}
					awaitOwner(project, deadline);
				}
			}
		}
	}

	/** A project to hand out must have its database: finishes or waits for its provisioning first. */
	public ProjectView ensureReady(ProjectView project, CreationPolicy policy) {
		return switch (project.state()) {
			case READY -> project;
			case FAILED -> this.provisioning.retryFailed(project, policy);
			// PROVISIONING: wait for it, or finish it when abandoned; DELETING: refused.
			case PROVISIONING, DELETING -> getOrCreate(new EnsureProject(project.name(), null, null, null), policy)
				.project();
		};
	}

	/**
	 * Inserts the PROVISIONING row of a wanted project, with its id and database name when it names them, and
	 * provisions it, owning it from before the insert. Empty when another caller inserted the name (or owns the
	 * id) first: the next round reads its row. A database name or id that another project holds is a 409 when the
	 * caller chose it, and another random id when it was derived from one.
	 */
	private Optional<ProjectView> tryCreate(EnsureProject wanted) {
		UUID id = (wanted.id() != null) ? wanted.id() : UUID.randomUUID();
		Optional<ProvisioningOwnership.Ownership> owned = this.ownership.tryAcquire(id);
		if (owned.isEmpty()) {
			return Optional.empty();
		}
		try (ProvisioningOwnership.Ownership ownership = owned.get()) {
			Optional<ProjectRows.Insertion> inserted = tryInsert(wanted, id);
			if (inserted.isEmpty()) {
				return Optional.empty();
			}
			this.rows.auditCreate(inserted.get(), "get-or-create");
			return Optional.of(this.provisioning.provision(ownership, id).withPlacement(inserted.get().placement()));
		}
	}

	private Optional<ProjectRows.Insertion> tryInsert(EnsureProject wanted, UUID id) {
		String databaseName = (wanted.databaseName() != null) ? wanted.databaseName()
				: this.provisioner.databaseNameFor(wanted.name(), id);
		if (!this.provisioner.isManagedName(databaseName)) {
			throw new InvalidRequestException("databaseName", "must be a managed database name like "
					+ this.provisioner.databaseNameFor(wanted.name(), id));
		}
		ProjectRows.Insertion insertion = this.rows.insert(
				new ProjectRows.NewRow(id, wanted.name(), wanted.description(), databaseName, null, "{}",
						IndexStatus.NOT_INDEXED, wanted.placement()),
				refused -> switch (refused) {
					case DATABASE -> (wanted.databaseName() != null || wanted.id() != null)
							? ProjectConflictException.databaseTaken(databaseName) : null;
					case ID -> (wanted.id() != null) ? ProjectConflictException.idTaken(id, wanted.name()) : null;
					// Read again: the winner's row, or nothing and another round.
					case NAME, GONE -> null;
				});
		return insertion.inserted() ? Optional.of(insertion) : Optional.empty();
	}

	/**
	 * Waits for the owner of a project being provisioned to finish: wakes the moment its ownership is released, and
	 * after at most {@link #OWNER_WAIT_SLICE} reads the row again anyway. Past the deadline, a 503 with Retry-After.
	 */
	private void awaitOwner(ProjectView project, long deadline) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			throw new ProjectBusyException(project.name(), project.id());
		}
		this.ownership.awaitReleased(project.id(), Duration.ofNanos(Math.min(left, OWNER_WAIT_SLICE.toNanos())));
	}

	/** Waits for another caller's attempt to create the name on this replica; past the deadline, a 503. */
	private static void awaitAttempt(CompletableFuture<Void> attempt, EnsureProject wanted, long deadline) {
		try {
			attempt.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw new ProjectBusyException(wanted.name(), wanted.id());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ProjectBusyException(wanted.name(), wanted.id());
		}
	}

	/** Waits a little for another caller's row to become readable; past the deadline, a 503 with Retry-After. */
	private static void pause(String name, UUID id, long deadline) {
		if (System.nanoTime() > deadline) {
			throw new ProjectBusyException(name, id);
		}
		if (!Pause.of(PROVISIONING_POLL)) {
			throw new ProjectBusyException(name, id);
		}
	}

}
