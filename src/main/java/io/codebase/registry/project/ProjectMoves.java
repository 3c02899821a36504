package io.codebase.registry.project;

import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a move of a project's database to another server needs from the registry of projects: the project's
 * ownership (the same advisory lock that provisioning and deletion hold, so none of them runs during a move and two
 * replicas never run one move), and the writes of its cut-over. Each write runs inside the caller's transaction,
 * so that the mover commits its own progress with it, and makes every replica's cache forget the project once it
 * commits (the change-notification trigger), so nobody is answered the old server after the switch.
 */
@Component
public class ProjectMoves {

	private final ProvisioningOwnership ownership;

	private final ProjectRepository repository;

	private final ProjectRows rows;

	private final ProjectProperties properties;

	ProjectMoves(ProvisioningOwnership ownership, ProjectRepository repository, ProjectRows rows,
			ProjectProperties properties) {
		this.ownership = ownership;
		this.repository = repository;
		this.rows = rows;
		this.properties = properties;
	}

	/** Ownership of the project if nobody holds it; empty when a live owner (a mover, a provisioner) does. */
	public Optional<Owned> tryOwn(UUID projectId) {
		return this.ownership.tryAcquire(projectId).map(Owned::new);
	}

	/** Ownership of the project, waiting {@code registry.projects.provisioning-wait} at most; then a 503. */
	public Owned own(ProjectView project) {
		return new Owned(this.ownership.acquire(project.id(), project.name(), this.properties.provisioningWait()));
	}

	/** Marks the READY project on {@code server} as being cut over; false when it is not READY there. */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean markMoving(UUID projectId, String server) {
		return changed(projectId, this.repository.markMoving(projectId, server, Project.now()));
	}

	/** Puts the project on {@code to} and ends its cut-over; false when it is not on {@code from}. */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean switchServer(UUID projectId, String from, String to) {
		return changed(projectId, this.repository.switchServer(projectId, from, to, Project.now()));
	}

	/** Ends a cut-over that did not happen: the project is answered on its server again. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void clearMoving(UUID projectId) {
		changed(projectId, this.repository.clearMoving(projectId, Project.now()));
	}

	private boolean changed(UUID projectId, int updated) {
		if (updated == 0) {
			return false;
		}
		this.rows.changed(this.rows.committed(projectId));
		return true;
	}

	/** Ownership held; closing releases it. PostgreSQL releases it too when the holder's connection dies. */
	public static final class Owned implements AutoCloseable {

		private final ProvisioningOwnership.Ownership ownership;

		private Owned(ProvisioningOwnership.Ownership ownership) {
			this.ownership = ownership;
		}

		/** False when the connection holding it died (and PostgreSQL released it): the holder must stop. */
		public boolean isHeld() {
			return this.ownership.isHeld();
		}

		@Override
		public void close() {
			this.ownership.close();
		}

	}

}
