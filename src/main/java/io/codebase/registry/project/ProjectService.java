package io.codebase.registry.project;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.provisioning.ProvisioningException;
import io.codebase.registry.web.FieldProblem;
import io.codebase.registry.web.InvalidRequestException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
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

	private static final Set<String> READ_ONLY = Set.of("id", "name", "databaseName", "state", "indexStatus",
			"lastError", "version", "createdAt", "updatedAt");

	/** Attempts at a database name that no other project holds; a clash needs two 1-in-4-billion coincidences. */
	private static final int NAME_ATTEMPTS = 3;

	private final ProjectRepository repository;

	private final ProjectCache cache;

	private final RegistryWrites writes;

	private final DatabaseProvisioner provisioner;

	private final Metadata metadata;

	private final Validator validator;

	private final ApplicationEventPublisher events;

	private final ProjectProperties properties;

	ProjectService(ProjectRepository repository, ProjectCache cache, RegistryWrites writes,
			DatabaseProvisioner provisioner, Metadata metadata, Validator validator,
			ApplicationEventPublisher events, ProjectProperties properties) {
		this.repository = repository;
		this.cache = cache;
		this.writes = writes;
		this.provisioner = provisioner;
		this.metadata = metadata;
		this.validator = validator;
		this.events = events;
		this.properties = properties;
	}

	/**
	 * Registers a project and creates its database. Returns only once the project is READY; a provisioning
	 * failure leaves it FAILED (with the reason) and throws {@link ProvisioningFailedException}.
	 */
	public ProjectView create(CreateProjectRequest request) {
		requireValid(request);
		String metadataJson = this.metadata.encode(request.metadata());
		UUID id = insertProvisioningRow(request, metadataJson);
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

	/** A page of projects, filtered and sorted in PostgreSQL (indexed; never loads more than the page). */
	public Page<ProjectView> list(ProjectFilter filter, int page, int size, String sort) {
		List<FieldProblem> errors = new ArrayList<>();
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
		if (filter.namePrefix() != null && !filter.namePrefix().isEmpty()) {
			String pattern = likeEscaped(filter.namePrefix().toLowerCase(Locale.ROOT)) + "%";
			matching = matching.and((root, query, cb) -> cb.like(root.get("nameKey"), pattern, '\\'));
		}
		return this.repository.findAll(matching, page).map(Project::toView);
	}

	/**
	 * Applies a JSON merge patch (RFC 7396) to description, sourcePath and metadata, if {@code ifMatch} names
	 * the current version.
	 */
	public ProjectView update(UUID id, String ifMatch, Map<String, Object> patch) {
		if (ifMatch == null || ifMatch.isBlank()) {
			throw new IfMatchRequiredException();
		}
		requirePatchable(patch);
		return this.writes.commit("update", tx -> {
			Project project = load(id);
			if (!ETags.matches(ifMatch, project.getVersion())) {
				throw new VersionMismatchException(ifMatch, project.getVersion());
			}
			if (project.getState() == ProjectState.DELETING) {
				throw ProjectConflictException.wrongState(project.toView(), "updated");
			}
			CreateProjectRequest patched = applyPatch(project, patch);
			project.describe(patched.description(), patched.sourcePath(), this.metadata.encode(patched.metadata()));
			try {
				this.repository.saveAndFlush(project);
			}
			catch (ObjectOptimisticLockingFailureException ex) {
				throw new VersionMismatchException(ifMatch, project.getVersion() + 1);
			}
			this.events.publishEvent(new ProjectChanged(id, project.getName(), project.getName()));
			return project.toView();
		});
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
			if (project.getState() == ProjectState.PROVISIONING) {
				throw ProjectConflictException.wrongState(project.toView(), "deleted until provisioning ends");
			}
			project.markDeleting();
			return saveAndPublish(project);
		});
		try {
			this.provisioner.dropDatabase(deleting.databaseName());
		}
		catch (ProvisioningException ex) {
			this.writes.commit("delete", tx -> {
				Project project = load(id);
				project.recordDeleteFailure(ex.getMessage());
				return saveAndPublish(project);
			});
			throw new ProvisioningFailedException(id, ProjectState.DELETING, ex.getMessage(),
					"DELETE /api/v1/projects/" + id);
		}
		this.writes.commit("delete", tx -> {
			this.repository.deleteById(id);
			this.events.publishEvent(new ProjectChanged(id, deleting.name(), null));
			return null;
		});
		log.info("Deleted project {} ({}) and dropped database {}", deleting.name(), id, deleting.databaseName());
	}

	/** Finishes provisioning of a FAILED (or interrupted) project; a READY project is returned as it is. */
	public ProjectView retryProvisioning(UUID id) {
		ProjectView current = findCommitted(id);
		return switch (current.state()) {
			case READY -> current;
			case DELETING -> throw ProjectConflictException.wrongState(current, "provisioned");
			case FAILED, PROVISIONING -> {
				this.writes.commit("provision", tx -> {
					Project project = load(id);
					project.markProvisioning();
					return saveAndPublish(project);
				});
				yield provision(id);
			}
		};
	}

	private UUID insertProvisioningRow(CreateProjectRequest request, String metadataJson) {
		for (int attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
			UUID id = UUID.randomUUID();
			String databaseName = this.provisioner.databaseNameFor(request.name(), id);
			boolean inserted = this.writes.commit("create", tx -> {
				int rows = this.repository.insertProvisioning(id, request.name(), request.description(),
						databaseName, request.sourcePath(), metadataJson);
				if (rows == 1) {
					this.events.publishEvent(new ProjectChanged(id, null, request.name()));
					return true;
				}
				if (this.repository.existsByNameKey(request.name().toLowerCase(Locale.ROOT))) {
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

	/** Steps 2 and 3 of provisioning: CREATE DATABASE (adopting our own), then READY. */
	private ProjectView provision(UUID id) {
		ProjectView project = findCommitted(id);
		try {
			this.provisioner.createDatabase(project.databaseName());
		}
		catch (ProvisioningException ex) {
			this.writes.commit("provision", tx -> {
				Project failed = load(id);
				failed.markFailed(ex.getMessage());
				return saveAndPublish(failed);
			});
			throw new ProvisioningFailedException(id, ProjectState.FAILED, ex.getMessage(),
					"POST /api/v1/projects/" + id + "/provision");
		}
		return this.writes.commit("provision", tx -> {
			Project ready = load(id);
			ready.markReady();
			return saveAndPublish(ready);
		});
	}

	private ProjectView saveAndPublish(Project project) {
		this.repository.saveAndFlush(project);
		this.events.publishEvent(new ProjectChanged(project.getId(), project.getName(), project.getName()));
		return project.toView();
	}

	private Project load(UUID id) {
		return this.repository.findById(id).orElseThrow(() -> new ProjectNotFoundException(id.toString()));
	}

	private ProjectView findCommitted(UUID id) {
		return this.repository.findById(id)
			.map(Project::toView)
			.orElseThrow(() -> new ProjectNotFoundException(id.toString()));
	}

	private void requireValid(CreateProjectRequest request) {
		Set<ConstraintViolation<CreateProjectRequest>> violations = this.validator.validate(request);
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
