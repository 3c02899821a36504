package io.codebase.registry.session;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.problem.KeysetPage;
import io.codebase.registry.problem.PageCursor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/** Client sessions, kept in PostgreSQL with a sliding expiry so that every replica sees the same ones. */
@Service
public class SessionService {

	private static final Logger log = LoggerFactory.getLogger(SessionService.class);

	static final int MAX_LISTED = 500;

	private final SessionRepository repository;

	private final WorkingDirectories workingDirectories;

	private final ProjectLookup projects;

	private final SessionProperties properties;

	SessionService(SessionRepository repository, WorkingDirectories workingDirectories, ProjectLookup projects,
			SessionProperties properties) {
		this.repository = repository;
		this.workingDirectories = workingDirectories;
		this.projects = projects;
		this.properties = properties;
	}

	/** Sets the working directory (the codebase-mcp {@code set_working_directory} tool), starting the session if new. */
	public SessionView setWorkingDirectory(String sessionId, String workingDirectory) {
		SessionId.require(sessionId);
		String real = this.workingDirectories.require(workingDirectory).toString();
		return this.repository.putWorkingDirectory(sessionId, real, this.properties.ttl());
	}

	public SessionView get(String sessionId) {
		return find(sessionId).orElseThrow(() -> new SessionNotFoundException(sessionId));
	}

	/** The live session, if any; using it extends its life. */
	public Optional<SessionView> find(String sessionId) {
		return this.repository.touch(SessionId.require(sessionId), this.properties.ttl());
	}

	public void delete(String sessionId) {
		if (!this.repository.delete(SessionId.require(sessionId))) {
			throw new SessionNotFoundException(sessionId);
		}
	}

	/** Makes a project (by id or name) the session's active project; an unknown project is a 404. */
	public SessionView setActiveProject(String sessionId, String project) {
		SessionId.require(sessionId);
		if (project == null || project.isBlank()) {
			throw new InvalidRequestException("project", "must name a project by id or name");
		}
		ProjectView active = this.projects.cached().get(project);
		return this.repository.putActiveProject(sessionId, active.id(), this.properties.ttl());
	}

	public SessionView clearActiveProject(String sessionId) {
		return this.repository.clearActiveProject(SessionId.require(sessionId), this.properties.ttl())
			.orElseThrow(() -> new SessionNotFoundException(sessionId));
	}

	/**
	 * A page of the live sessions that have this project (id or name) active, most recently used first: at most
	 * {@code size} (1 to {@value #MAX_LISTED}), after the {@code cursor} of the previous page when given.
	 */
	public ActiveSessions activeSessionsOf(String project, String cursor, int size) {
		if (size < 1 || size > MAX_LISTED) {
			throw new InvalidRequestException("size", "must be between 1 and " + MAX_LISTED);
		}
		Instant lastSeenAt = null;
		String after = null;
		if (cursor != null) {
			List<String> position = PageCursor.decode(cursor, 2);
			try {
				lastSeenAt = Instant.parse(position.get(0));
			}
			catch (DateTimeParseException ex) {
				throw PageCursor.notACursor();
			}
			after = position.get(1);
		}
		KeysetPage<SessionView> page = KeysetPage.of(
				this.repository.activeFor(this.projects.cached().get(project).id(), lastSeenAt, after, size + 1), size,
				last -> new String[] { last.lastSeenAt().toString(), last.sessionId() });
		return new ActiveSessions(page.content(), page.next());
	}

	@Scheduled(fixedDelayString = "${registry.sessions.purge-interval:10m}",
			initialDelayString = "${registry.sessions.purge-interval:10m}")
	void purgeOnSchedule() {
		purgeExpired();
	}

	/** Deletes the expired sessions; returns how many. */
	public int purgeExpired() {
		int purged = this.repository.deleteExpired();
		if (purged > 0) {
			log.info("Purged {} expired sessions", purged);
		}
		return purged;
	}

	/** Sessions past their expiry that are not purged yet. */
	public long countExpired() {
		return this.repository.countExpired();
	}

}
