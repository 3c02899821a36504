package io.codebase.registry.rollout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.project.ProjectFilter;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.security.Audit;
import io.codebase.registry.problem.FieldProblem;
import io.codebase.registry.problem.InvalidRequestException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts schema rollouts and reports their progress. A rollout is written (row and one PENDING item per project)
 * in one transaction before anything is migrated, so its progress is always in PostgreSQL; the unique index on
 * running rollouts makes a second start, on any replica, a 409.
 */
@Service
class RolloutService {

	static final int MAX_PROJECTS = 10_000;

	static final int DEFAULT_PAGE_SIZE = 20;

	static final int MAX_PAGE_SIZE = 200;

	private final RolloutStore store;

	private final RolloutRunner runner;

	private final ProjectLookup projects;

	private final ProjectSchemas schemas;

	private final RolloutProperties properties;

	private final TransactionTemplate transactions;

	private final Audit audit;

	RolloutService(RolloutStore store, RolloutRunner runner, ProjectLookup projects, ProjectSchemas schemas,
			RolloutProperties properties, PlatformTransactionManager transactionManager, Audit audit) {
		this.store = store;
		this.audit = audit;
		this.runner = runner;
		this.projects = projects;
		this.schemas = schemas;
		this.properties = properties;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** Records a rollout of the matching READY projects and starts running it on this replica. */
	Rollout start(RolloutRequest request) {
		if (!this.schemas.enabled()) {
			throw RolloutConflictException.schemaDisabled();
		}
		int parallelism = (request.parallelism() != null) ? request.parallelism() : this.properties.defaultParallelism();
		validate(request, parallelism);
		Set<UUID> projectIds = (request.projects() == null) ? null : resolve(request.projects());
		boolean neverMigrated = ProjectFilter.NO_SCHEMA_VERSION.equals(request.schemaVersion());
		UUID id = UUID.randomUUID();
		try {
			this.transactions.executeWithoutResult(tx -> {
				this.store.insert(id, parallelism, this.schemas.locations());
				this.store.addItems(id, projectIds, request.schemaVersion(), neverMigrated);
				// Nothing matched: complete at once rather than block the next rollout.
				this.store.completeIfDone(id);
			});
		}
		catch (DuplicateKeyException ex) {
			throw this.store.findRunning()
				.map(running -> RolloutConflictException.running(running.id()))
				.orElseThrow(() -> ex);
		}
		this.runner.launch(id);
		Rollout started = get(id, null, 0, DEFAULT_PAGE_SIZE);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("rollout", id);
		details.put("parallelism", parallelism);
		details.put("projects", started.counts().total());
		details.put("locations", String.join(",", this.schemas.locations()));
		this.audit.record("schema.rollout", details);
		return started;
	}

	Rollout get(UUID id, ItemState itemState, int page, int size) {
		List<FieldProblem> errors = new ArrayList<>();
		if (page < 0) {
			errors.add(new FieldProblem("page", "must be 0 or more"));
		}
		if (size < 1 || size > MAX_PAGE_SIZE) {
			errors.add(new FieldProblem("size", "must be between 1 and " + MAX_PAGE_SIZE));
		}
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
		RolloutStore.RolloutRow rollout = this.store.find(id).orElseThrow(() -> new RolloutNotFoundException(id));
		Map<ItemState, Long> counts = this.store.countByState(id);
		long total = counts.values().stream().mapToLong(Long::longValue).sum();
		long matching = (itemState != null) ? counts.get(itemState) : total;
		List<RolloutItem> items = this.store.items(id, itemState, page, size);
		return new Rollout(rollout.id(), rollout.state(), rollout.parallelism(), rollout.locations(),
				rollout.createdAt(), rollout.finishedAt(),
				new Rollout.Counts(total, counts.get(ItemState.PENDING), counts.get(ItemState.SUCCEEDED),
						counts.get(ItemState.FAILED), counts.get(ItemState.SKIPPED)),
				new Rollout.Items(items, page, size, matching, (int) ((matching + size - 1) / size)));
	}

	private void validate(RolloutRequest request, int parallelism) {
		List<FieldProblem> errors = new ArrayList<>();
		if (parallelism < 1 || parallelism > this.properties.maxParallelism()) {
			errors.add(new FieldProblem("parallelism", "must be between 1 and " + this.properties.maxParallelism()
					+ " (registry.schema-rollouts.max-parallelism)"));
		}
		if (request.projects() != null && (request.projects().isEmpty() || request.projects().size() > MAX_PROJECTS)) {
			errors.add(new FieldProblem("projects", "must list between 1 and " + MAX_PROJECTS
					+ " projects, or be left out to roll out to every project"));
		}
		if (request.projects() != null && request.projects().stream().anyMatch(project -> project == null)) {
			errors.add(new FieldProblem("projects", "must not contain null"));
		}
		ProjectFilter.schemaVersionProblem(request.schemaVersion()).ifPresent(errors::add);
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
	}

	/** Project ids of the named projects; an unknown one is a 404, as everywhere else. */
	private Set<UUID> resolve(List<String> idsOrNames) {
		Set<UUID> ids = new LinkedHashSet<>();
		idsOrNames.forEach(idOrName -> ids.add(this.projects.committed().get(idOrName).id()));
		return ids;
	}

}
