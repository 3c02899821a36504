package io.codebase.registry.project;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.provisioning.ProvisioningException;
import io.codebase.registry.security.Audit;
import io.codebase.registry.web.FieldProblem;
import io.codebase.registry.web.InvalidRequestException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Service;

/**
 * The project lifecycle. PostgreSQL is the single source of truth: nothing is returned or cached before its row
 * is committed, and provisioning is write-ahead (the row first, then the database, then READY), so a crash at
 * any step leaves a row that says what is unfinished.
 */
@Service
public class ProjectService {

	private static final Logger log = LoggerFactory.getLogger(ProjectService.class);

	/** Fields a merge patch may change; the others are read-only or immutable. */
	private static final Set<String> PATCHABLE = Set.of("description", "sourcePath", "metadata");

	private static final Set<String> READ_ONLY = Set.of("id", "name", "databaseName", "state", "schemaVersion", "indexStatus",
			"indexMessage", "indexReportedAt", "indexUpdatedAt", "lastError", "version", "createdAt", "updatedAt");

	/** Attempts at a database name that no other project holds; a clash needs two 1-in-4-billion coincidences. */
	private static final int NAME_ATTEMPTS = 3;

	/** States a delete may start from; a project being provisioned is deleted once that ends. */
	private static final Set<ProjectState> DELETABLE = Set.of(ProjectState.READY, ProjectState.FAILED,
			ProjectState.DELETING);

	private static final Duration PROVISIONING_POLL = Duration.ofMillis(50);

	private final ProjectRepository repository;

	private final ProjectCache cache;

	private final RegistryWrites writes;

	private final DatabaseProvisioner provisioner;

	private final ProjectSchemas schemas;

	private final Metadata metadata;

	private final Validator validator;

	private final ApplicationEventPublisher events;

	private final ProjectProperties properties;

	private final Audit audit;

	ProjectService(ProjectRepository repository, ProjectCache cache, RegistryWrites writes,
			DatabaseProvisioner provisioner, ProjectSchemas schemas, Metadata metadata, Validator validator,
			ApplicationEventPublisher events, ProjectProperties properties, Audit audit) {
		this.repository = repository;
		this.cache = cache;
		this.writes = writes;
		this.provisioner = provisioner;
		this.schemas = schemas;
		this.metadata = metadata;
		this.validator = validator;
		this.events = events;
		this.properties = properties;
		this.audit = audit;
	}

	/**
	 * Registers a project and creates its database. Returns only once the project is READY; a provisioning
	 * failure leaves it FAILED (with the reason) and throws {@link ProvisioningFailedException}.
	 */
	public ProjectView create(CreateProjectRequest request) {
		requireValid(request);
		String metadataJson = this.metadata.encode(request.metadata());
		UUID id = insertProvisioningRow(request, metadataJson);
		auditCreate(id, "api");
		return provision(id);
	}

	public Optional<ProjectView> findById(UUID id) {
		return this.cache.get(new ProjectCache.ById(id), () -> this.repository.findById(id).map(Project::toView));
	}

	public Optional<ProjectView> findByName(String name) {
		if (!ProjectName.isValid(name)) {
			return Optional.empty();
		}
		ProjectCache.ByName key = ProjectCache.ByName.of(name);
		return this.cache.get(key, () -> this.repository.findByNameKey(key.nameKey()).map(Project::toView));
	}

	/** A project by id or, failing that, by name: a project may be named like a UUID. */
	public ProjectView get(String idOrName) {
		return parseUuid(idOrName).flatMap(this::findById)
			.or(() -> findByName(idOrName))
			.orElseThrow(() -> new ProjectNotFoundException(idOrName));
	}

	/**
	 * True while projects found through the cache may be stale without notice: this replica is not hearing
	 * PostgreSQL's change notifications (the database is unreachable, or the listener is reconnecting).
	 */
	public boolean cacheUnconfirmed() {
		return this.cache.unconfirmed();
	}

	/** Like {@link #findById(UUID)}, but read from PostgreSQL, not the cache: for decisions that must see the truth. */
	public Optional<ProjectView> findByIdUncached(UUID id) {
		return this.repository.findById(id).map(Project::toView);
	}

	/** Like {@link #get(String)}, but read from PostgreSQL, not the cache: for reports that must show the truth. */
	public ProjectView getUncached(String idOrName) {
		return parseUuid(idOrName).flatMap(this.repository::findById)
			.or(() -> ProjectName.isValid(idOrName)
					? this.repository.findByNameKey(idOrName.toLowerCase(Locale.ROOT)) : Optional.empty())
			.map(Project::toView)
			.orElseThrow(() -> new ProjectNotFoundException(idOrName));
	}

	/**
	 * Up to {@code limit} projects with an id greater than {@code after} (null: from the start), in id order and
	 * read from PostgreSQL: pass the last id of one page to get the next, for a scan of every project.
	 */
	public List<ProjectView> scan(UUID after, int limit) {
		UUID from = (after != null) ? after : new UUID(0, 0);
		return this.repository.findPageAfter(from, Limit.of(limit)).stream().map(Project::toView).toList();
	}

	/** Whether any project, in any state, owns this database name. */
	public boolean isDatabaseRegistered(String databaseName) {
		return this.repository.existsByDatabaseName(databaseName);
	}

	/** A page of projects, filtered and sorted in PostgreSQL (indexed; never loads more than the page). */
	public Page<ProjectView> list(ProjectFilter filter, int page, int size, String sort) {
		List<FieldProblem> errors = new ArrayList<>(filter.problems());
		if (page < 0) {
			errors.add(new FieldProblem("page", "must be 0 or more"));
		}
		if (size < 1 || size > this.properties.maxPageSize()) {
			errors.add(new FieldProblem("size", "must be between 1 and " + this.properties.maxPageSize()));
		}
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
		return list(filter, PageRequest.of(page, size, ProjectSort.parse(sort)));
	}

	private Page<ProjectView> list(ProjectFilter filter, Pageable page) {
		Specification<Project> matching = Specification.unrestricted();
		if (filter.state() != null) {
			matching = matching.and((root, query, cb) -> cb.equal(root.get("state"), filter.state()));
		}
		if (filter.indexStatus() != null) {
			matching = matching.and((root, query, cb) -> cb.equal(root.get("indexStatus"), filter.indexStatus()));
		}
		if (filter.namePrefix() != null && !filter.namePrefix().isEmpty()) {
			String pattern = likeEscaped(filter.namePrefix().toLowerCase(Locale.ROOT)) + "%";
			matching = matching.and((root, query, cb) -> cb.like(root.get("nameKey"), pattern, '\\'));
		}
		if (ProjectFilter.NO_SCHEMA_VERSION.equals(filter.schemaVersion())) {
			matching = matching.and((root, query, cb) -> cb.isNull(root.get("schemaVersion")));
		}
		else if (filter.schemaVersion() != null) {
			matching = matching.and((root, query, cb) -> cb.equal(root.get("schemaVersion"), filter.schemaVersion()));
		}
		return this.repository.findAll(matching, page).map(Project::toView);
	}

	/**
	 * Applies a JSON merge patch (RFC 7396) to description, sourcePath and metadata, if {@code ifMatch} names
	 * the current version.
	 */
	public ProjectView update(UUID id, String ifMatch, Map<String, Object> patch) {
		requirePatchable(patch);
		return changeIfMatch("update", id, ifMatch, project -> {
			if (project.getState() == ProjectState.DELETING) {
				throw ProjectConflictException.wrongState(project.toView(), "updated");
			}
			CreateProjectRequest patched = applyPatch(project, patch);
			project.describe(patched.description(), patched.sourcePath(), this.metadata.encode(patched.metadata()));
		});
	}

	/** Records a client's index-status report; the transition must be allowed (409 names the allowed ones). */
	public ProjectView reportIndexStatus(UUID id, String ifMatch, IndexReport report) {
		requireValid(report);
		return changeIfMatch("index-status", id, ifMatch, project -> {
			requireReady(project, "indexed");
			if (!project.reportIndexStatus(report.status(), report.message(), report.reportedAt())) {
				throw ProjectConflictException.illegalIndexTransition(project.toView(), report.status());
			}
		});
	}

	/** Starts indexing an INDEXED or FAILED project again (the old registry's "retrain"). */
	public ProjectView reindex(UUID id, String ifMatch, String message) {
		if (message != null && message.length() > IndexReport.MAX_MESSAGE_LENGTH) {
			throw new InvalidRequestException("message", "size must be between 0 and " + IndexReport.MAX_MESSAGE_LENGTH);
		}
		return changeIfMatch("index-status", id, ifMatch, project -> {
			requireReady(project, "reindexed");
			if (!project.reindex(message)) {
				throw ProjectConflictException.notReindexable(project.toView());
			}
		});
	}

	/** Loads, checks If-Match, changes and saves a project in one transaction; a concurrent write is a 412. */
	private ProjectView changeIfMatch(String operation, UUID id, String ifMatch, Consumer<Project> change) {
		if (ifMatch == null || ifMatch.isBlank()) {
			throw new IfMatchRequiredException();
		}
		return this.writes.commit(operation, tx -> {
			Project project = load(id);
			if (!ETags.matches(ifMatch, project.getVersion())) {
				throw new VersionMismatchException(ifMatch, project.getVersion());
			}
			change.accept(project);
			try {
				this.repository.saveAndFlush(project);
			}
			catch (ObjectOptimisticLockingFailureException ex) {
				throw new VersionMismatchException(ifMatch, project.getVersion() + 1);
			}
			return publish(project.toView());
		});
	}

	private static void requireReady(Project project, String action) {
		if (project.getState() != ProjectState.READY) {
			throw ProjectConflictException.wrongState(project.toView(), action + " before it is READY");
		}
	}

	/**
	 * Deletes a project and drops its database: DELETING is committed first, then the database is dropped,
	 * then the row goes. A failed drop keeps the row in DELETING so the delete can be repeated.
	 */
	public void delete(UUID id, String ifMatch) {
		ProjectView deleting = this.writes.commit("delete", tx -> {
			Project project = load(id);
			if (ifMatch != null && !ETags.matches(ifMatch, project.getVersion())) {
				throw new VersionMismatchException(ifMatch, project.getVersion());
			}
			return transition(project.toView(), DELETABLE, ProjectState.DELETING, null, "deleted while provisioning");
		});
		try {
			this.provisioner.dropDatabase(deleting.databaseName());
		}
		catch (ProvisioningException ex) {
			this.writes.commit("delete", tx -> transition(deleting, Set.of(ProjectState.DELETING), ProjectState.DELETING,
					ex.getMessage(), "deleted"));
			auditDelete(deleting, "drop-failed");
			throw new ProvisioningFailedException(id, ProjectState.DELETING, ex.getMessage(),
					"DELETE /api/v1/projects/" + id);
		}
		this.writes.commit("delete", tx -> {
			this.repository.deleteById(id);
			this.events.publishEvent(new ProjectChanged(id, deleting.name(), null));
			return null;
		});
		log.info("Deleted project {} ({}) and dropped database {}", deleting.name(), id, deleting.databaseName());
		auditDelete(deleting, "deleted");
	}

	/**
	 * The project with this name, created (row, then database) if there is none: idempotent under any
	 * concurrency, across replicas (invariant 3). A project still being provisioned by another caller is waited
	 * for (bounded); a FAILED one is provisioned again. Names a database to adopt when the caller gives one.
	 */
	public EnsuredProject getOrCreate(EnsureProject wanted) {
		return getOrCreate(wanted, true);
	}

	/**
	 * Like {@link #getOrCreate(EnsureProject)}; with {@code mayCreate} false (a reader's request), anything that
	 * would insert a project or create a database is refused with {@link CreationForbiddenException} before it
	 * writes, and an abandoned provisioning is left to an admin or the reconciler (503 after the wait).
	 */
	public EnsuredProject getOrCreate(EnsureProject wanted, boolean mayCreate) {
		requireValid(new CreateProjectRequest(wanted.name(), wanted.description(), null, null));
		long deadline = System.nanoTime() + this.properties.provisioningWait().toNanos();
		while (true) {
			// An empty answer was just read from PostgreSQL (absent names are never cached); a cached project
			// that is not READY may be out of date, so it is read again.
			Optional<ProjectView> existing = findByName(wanted.name());
			if (existing.isPresent() && existing.get().state() != ProjectState.READY) {
				existing = this.repository.findByNameKey(wanted.name().toLowerCase(Locale.ROOT)).map(Project::toView);
			}
			if (existing.isEmpty()) {
				if (!mayCreate) {
					throw new CreationForbiddenException("create the project '" + wanted.name() + "'");
				}
				Optional<UUID> inserted = tryInsert(wanted);
				if (inserted.isPresent()) {
					auditCreate(inserted.get(), "get-or-create");
					return new EnsuredProject(provision(inserted.get()), true);
				}
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
					return new EnsuredProject(retryFailed(project, mayCreate), false);
				}
				case DELETING -> throw ProjectConflictException.wrongState(project, "used while it is being deleted");
				case PROVISIONING -> {
					// A row left PROVISIONING longer than any provisioning takes was abandoned (a crash):
					// finish it here; provisioning is safe to run twice at once.
					if (mayCreate && project.updatedAt().isBefore(Instant.now().minus(this.properties.stuckAfter()))) {
						auditRetry(project, "abandoned provisioning finished by get-or-create");
						return new EnsuredProject(provision(project.id()), false);
					}
					pause(project, deadline);
				}
			}
		}
	}

	/**
	 * Registers a project carried over from another registry, keeping its id (and database name, when it has
	 * one). Idempotent: a project already registered with this id and name is returned as it is.
	 */
	public EnsuredProject register(ImportedProject imported) {
		requireValid(new CreateProjectRequest(imported.name(), imported.description(), imported.sourcePath(),
				imported.metadata()));
		String metadataJson = this.metadata.encode(imported.metadata());
		Optional<ProjectView> existing = this.repository.findById(imported.id()).map(Project::toView);
		if (existing.isPresent()) {
			if (!existing.get().name().equalsIgnoreCase(imported.name())) {
				throw ProjectConflictException.idTaken(imported.id(), imported.name());
			}
			return new EnsuredProject(ensureReady(existing.get()), false);
		}
		String databaseName = (imported.databaseName() != null) ? imported.databaseName()
				: this.provisioner.databaseNameFor(imported.name(), imported.id());
		boolean inserted = this.writes.commit("create", tx -> {
			if (insertRow(imported.id(), imported.name(), imported.description(), databaseName, imported.sourcePath(),
					metadataJson, imported.indexStatus())) {
				return true;
			}
			if (nameTaken(imported.name())) {
				throw ProjectConflictException.nameTaken(imported.name());
			}
			if (this.repository.existsByDatabaseName(databaseName)) {
				throw ProjectConflictException.databaseTaken(databaseName);
			}
			return false;
		});
		if (inserted) {
			auditCreate(imported.id(), "import");
			return new EnsuredProject(provision(imported.id()), true);
		}
		// Not inserted and no clash: a concurrent import of the same id won; take its result.
		return register(imported);
	}

	/**
	 * What would make {@link #register(ImportedProject)} refuse this project, checked without writing anything:
	 * the rules of a new project, and a database name that another project holds.
	 */
	public List<FieldProblem> problemsOf(ImportedProject imported) {
		List<FieldProblem> problems = new ArrayList<>();
		this.validator.validate(new CreateProjectRequest(imported.name(), imported.description(), imported.sourcePath(),
				imported.metadata()))
			.forEach(violation -> problems.add(new FieldProblem(violation.getPropertyPath().toString(), violation.getMessage())));
		try {
			this.metadata.encode(imported.metadata());
		}
		catch (InvalidRequestException ex) {
			problems.add(new FieldProblem("metadata", ex.detail()));
		}
		if (imported.databaseName() != null) {
			this.repository.findByDatabaseName(imported.databaseName())
				.filter(owner -> !owner.getId().equals(imported.id()))
				.ifPresent(owner -> problems.add(new FieldProblem("databaseName",
						imported.databaseName() + " belongs to the existing project '" + owner.getName() + "'")));
		}
		return problems;
	}

	/** A project to hand out must have its database: finishes or waits for its provisioning first. */
	public ProjectView ensureReady(ProjectView project) {
		return ensureReady(project, true);
	}

	/** Like {@link #ensureReady(ProjectView)}; with {@code mayCreate} false, a FAILED project is a 403. */
	public ProjectView ensureReady(ProjectView project, boolean mayCreate) {
		return switch (project.state()) {
			case READY -> project;
			case FAILED -> retryFailed(project, mayCreate);
			// PROVISIONING: wait for it, or finish it when abandoned; DELETING: refused.
			case PROVISIONING, DELETING -> getOrCreate(new EnsureProject(project.name(), null, null, null), mayCreate)
				.project();
		};
	}

	private ProjectView retryFailed(ProjectView project, boolean mayCreate) {
		if (!mayCreate) {
			throw new CreationForbiddenException("provision the FAILED project '" + project.name() + "' again");
		}
		return retryProvisioning(project.id());
	}

	/**
	 * Finishes provisioning of a FAILED (or interrupted) project. A READY project is returned as it is, after
	 * creating its database again (empty) if it has gone missing.
	 */
	public ProjectView retryProvisioning(UUID id) {
		ProjectView current = findCommitted(id);
		if (current.state() != ProjectState.DELETING) {
			auditRetry(current, "retry requested");
		}
		return switch (current.state()) {
			case READY -> {
				if (!this.provisioner.databaseExists(current.databaseName())) {
					log.warn("Database {} of READY project {} is missing; creating it again", current.databaseName(), id);
					try {
						this.provisioner.createDatabase(current.databaseName());
						String version = this.schemas.migrate(current.databaseName()).to();
						yield (version != null) ? recordSchemaVersion(id, version) : current;
					}
					catch (ProvisioningException ex) {
						throw new ProvisioningFailedException(id, ProjectState.READY, ex.getMessage(),
								"POST /api/v1/projects/" + id + "/provision");
					}
				}
				yield current;
			}
			case DELETING -> throw ProjectConflictException.wrongState(current, "provisioned");
			case FAILED, PROVISIONING -> {
				if (current.state() == ProjectState.FAILED) {
					this.writes.commit("provision", tx -> this.repository.transition(id, Set.of(ProjectState.FAILED),
							ProjectState.PROVISIONING, current.lastError(), Project.now()) == 1 ? publish(current) : null);
				}
				yield provision(id);
			}
		};
	}

	/**
	 * Takes a READY project whose database has gone out of READY: FAILED, with the reason in lastError, so it is
	 * no longer handed out as usable and {@code POST /provision} (or a get-or-create) creates the database again.
	 * False when the project is no longer READY or its database is back.
	 */
	public boolean markDatabaseMissing(UUID id, String reason) {
		ProjectView current = findCommitted(id);
		if (current.state() != ProjectState.READY || this.provisioner.databaseExists(current.databaseName())) {
			return false;
		}
		return this.writes.commit("provision", tx -> this.repository.transition(id, Set.of(ProjectState.READY),
				ProjectState.FAILED, reason, Project.now()) == 1 ? publish(current) : null) != null;
	}

	private UUID insertProvisioningRow(CreateProjectRequest request, String metadataJson) {
		for (int attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
			UUID id = UUID.randomUUID();
			String databaseName = this.provisioner.databaseNameFor(request.name(), id);
			boolean inserted = this.writes.commit("create", tx -> {
				if (insertRow(id, request.name(), request.description(), databaseName, request.sourcePath(), metadataJson)) {
					return true;
				}
				if (nameTaken(request.name())) {
					throw ProjectConflictException.nameTaken(request.name());
				}
				return false;
			});
			if (inserted) {
				return id;
			}
			log.warn("Database name {} is taken by another project; trying another id", databaseName);
		}
		throw new IllegalStateException("No free database name for project '" + request.name() + "'");
	}

	/**
	 * Inserts the PROVISIONING row of a wanted project, with its id and database name when it names them.
	 * Empty when another caller inserted the name first (or, rarely, the derived database name was taken).
	 */
	private Optional<UUID> tryInsert(EnsureProject wanted) {
		UUID id = (wanted.id() != null) ? wanted.id() : UUID.randomUUID();
		String databaseName = (wanted.databaseName() != null) ? wanted.databaseName()
				: this.provisioner.databaseNameFor(wanted.name(), id);
		if (!this.provisioner.isManagedName(databaseName)) {
			throw new InvalidRequestException("databaseName", "must be a managed database name like "
					+ this.provisioner.databaseNameFor(wanted.name(), id));
		}
		boolean inserted = this.writes.commit("create", tx -> {
			if (insertRow(id, wanted.name(), wanted.description(), databaseName, null, "{}")) {
				return true;
			}
			if (nameTaken(wanted.name())) {
				return false;
			}
			if (wanted.databaseName() != null && this.repository.existsByDatabaseName(databaseName)) {
				throw ProjectConflictException.databaseTaken(databaseName);
			}
			if (wanted.id() != null && this.repository.existsById(id)) {
				throw ProjectConflictException.idTaken(id, wanted.name());
			}
			return false;
		});
		return inserted ? Optional.of(id) : Optional.empty();
	}

	private boolean insertRow(UUID id, String name, String description, String databaseName, String sourcePath,
			String metadataJson) {
		return insertRow(id, name, description, databaseName, sourcePath, metadataJson, IndexStatus.NOT_INDEXED);
	}

	private boolean insertRow(UUID id, String name, String description, String databaseName, String sourcePath,
			String metadataJson, IndexStatus indexStatus) {
		if (this.repository.insertProvisioning(id, name, description, databaseName, sourcePath, metadataJson,
				indexStatus.name()) == 1) {
			this.events.publishEvent(new ProjectChanged(id, null, name));
			return true;
		}
		return false;
	}

	private boolean nameTaken(String name) {
		return this.repository.existsByNameKey(name.toLowerCase(Locale.ROOT));
	}

	/**
	 * Steps 2 and 3 of provisioning: CREATE DATABASE (adopting our own), the project schema, then READY with the
	 * schema version. A failure at either step leaves FAILED, never READY with half a schema. Safe to run twice at
	 * once: Flyway serializes migrations of one database with a lock in that database.
	 */
	private ProjectView provision(UUID id) {
		ProjectView project = findCommitted(id);
		String schemaVersion;
		try {
			this.provisioner.createDatabase(project.databaseName());
			schemaVersion = this.schemas.migrate(project.databaseName()).to();
		}
		catch (ProvisioningException ex) {
			this.writes.commit("provision", tx -> transition(project, Set.of(ProjectState.PROVISIONING),
					ProjectState.FAILED, ex.getMessage(), "marked failed"));
			throw new ProvisioningFailedException(id, ProjectState.FAILED, ex.getMessage(),
					"POST /api/v1/projects/" + id + "/provision");
		}
		this.writes.commit("provision", tx -> this.repository.markReady(id, schemaVersion, Project.now()) == 1
				? publish(project) : null);
		ProjectView ready = findCommitted(id);
		if (ready.state() != ProjectState.READY) {
			throw ProjectConflictException.wrongState(ready, "made READY");
		}
		return ready;
	}

	/**
	 * Records the schema version a project's database reached outside provisioning (a schema rollout). A new
	 * version is a change of the project: its version (ETag) goes up and every cache forgets it.
	 */
	public ProjectView recordSchemaVersion(UUID id, String schemaVersion) {
		return this.writes.commit("schema-version", tx -> {
			ProjectView project = findCommitted(id);
			if (this.repository.recordSchemaVersion(id, schemaVersion, Project.now()) == 1) {
				publish(project);
			}
			return findCommitted(id);
		});
	}

	/** A conditional state change, committed with the caller's transaction; refused when the state moved on. */
	private ProjectView transition(ProjectView project, Set<ProjectState> from, ProjectState to, String lastError,
			String action) {
		if (this.repository.transition(project.id(), from, to, lastError, Project.now()) == 0) {
			throw ProjectConflictException.wrongState(findCommitted(project.id()), action);
		}
		publish(project);
		return findCommitted(project.id());
	}

	private void auditCreate(UUID id, String source) {
		this.audit.record("project.create", orderedDetails(findCommitted(id), "source", source));
	}

	private void auditDelete(ProjectView project, String result) {
		this.audit.record("project.delete", orderedDetails(project, "result", result));
	}

	private void auditRetry(ProjectView project, String reason) {
		this.audit.record("project.provisioning-retry", orderedDetails(project, "state", project.state(), "reason", reason));
	}

	/** The project's id, name and database name, then the given key-value pairs. */
	private static Map<String, Object> orderedDetails(ProjectView project, Object... more) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("projectId", project.id());
		details.put("name", project.name());
		details.put("databaseName", project.databaseName());
		for (int i = 0; i + 1 < more.length; i += 2) {
			details.put(String.valueOf(more[i]), more[i + 1]);
		}
		return details;
	}

	private ProjectView publish(ProjectView project) {
		this.events.publishEvent(new ProjectChanged(project.id(), project.name(), project.name()));
		return project;
	}

	/** Waits a little for another caller's provisioning to finish; past the deadline, a 503 with Retry-After. */
	private void pause(ProjectView project, long deadline) {
		if (System.nanoTime() > deadline) {
			throw new ProjectBusyException(project);
		}
		try {
			Thread.sleep(PROVISIONING_POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ProjectBusyException(project);
		}
	}

	private Project load(UUID id) {
		return this.repository.findById(id).orElseThrow(() -> new ProjectNotFoundException(id.toString()));
	}

	private ProjectView findCommitted(UUID id) {
		return this.repository.findById(id)
			.map(Project::toView)
			.orElseThrow(() -> new ProjectNotFoundException(id.toString()));
	}

	private <T> void requireValid(T request) {
		Set<ConstraintViolation<T>> violations = this.validator.validate(request);
		if (!violations.isEmpty()) {
			throw new InvalidRequestException(violations.stream()
				.map(v -> new FieldProblem(v.getPropertyPath().toString(), v.getMessage()))
				.sorted(Comparator.comparing(FieldProblem::field))
				.toList());
		}
	}

	private static void requirePatchable(Map<String, Object> patch) {
		List<FieldProblem> errors = new ArrayList<>();
		patch.keySet().stream().filter(field -> !PATCHABLE.contains(field)).sorted().forEach(field ->
			errors.add(new FieldProblem(field, READ_ONLY.contains(field) ? "is read-only and cannot be patched"
					: "is not a field of a project (patchable: description, sourcePath, metadata)")));
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
	}

	/** The project as it would be after the patch, to be checked by the same rules as a new project. */
	@SuppressWarnings("unchecked")
	private CreateProjectRequest applyPatch(Project project, Map<String, Object> patch) {
		Map<String, Object> current = new LinkedHashMap<>();
		current.put("description", project.getDescription());
		current.put("sourcePath", project.getSourcePath());
		current.put("metadata", this.metadata.decode(project.getMetadata()));
		Map<String, Object> patched = MergePatch.apply(current, patch);
		List<FieldProblem> errors = new ArrayList<>();
		Object description = patched.get("description");
		Object sourcePath = patched.get("sourcePath");
		Object metadataValue = patched.get("metadata");
		if (description != null && !(description instanceof String)) {
			errors.add(new FieldProblem("description", "must be a string or null"));
		}
		if (sourcePath != null && !(sourcePath instanceof String)) {
			errors.add(new FieldProblem("sourcePath", "must be a string or null"));
		}
		if (metadataValue != null && !(metadataValue instanceof Map)) {
			errors.add(new FieldProblem("metadata", "must be an object, or null to clear it"));
		}
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
		CreateProjectRequest result = new CreateProjectRequest(project.getName(), (String) description,
				(String) sourcePath, (Map<String, Object>) metadataValue);
		requireValid(result);
		return result;
	}

	private static Optional<UUID> parseUuid(String value) {
		try {
			return Optional.of(UUID.fromString(value));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private static String likeEscaped(String text) {
		return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

}
