package io.codebase.registry.rollout;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.problem.FieldProblem;
import io.codebase.registry.problem.InvalidRequestException;
import io.codebase.registry.problem.KeysetPage;
import io.codebase.registry.problem.PageCursor;
import io.codebase.registry.project.ProjectFilter;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.provisioning.ProjectSchemas;
import io.codebase.registry.security.Audit;
import io.codebase.registry.security.Caller;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Plans, starts, resumes, cancels and reports schema rollouts. A rollout is written (row, and one PENDING item per
 * project with its wave) in one transaction before anything is migrated, so its progress is always in PostgreSQL;
 * the unique index on unfinished rollouts makes a second start, on any replica, a 409.
 */
@Service
class RolloutService {

	static final int MAX_PROJECTS = 10_000;

	static final int DEFAULT_PAGE_SIZE = 20;

	static final int MAX_PAGE_SIZE = 200;

	static final int MAX_LIST_SIZE = 100;

	private static final List<Integer> ONE_WAVE = List.of(100);

	private static final Set<RolloutState> UNFINISHED = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED,
			RolloutState.HALTED);

	private final RolloutStore store;

	private final RolloutRunner runner;

	private final RolloutPlanner planner;

	private final RolloutTransitions transitions;

	private final ProjectLookup projects;

	private final ProjectSchemas schemas;

	private final RolloutProperties properties;

	private final TransactionTemplate transactions;

	private final Audit audit;

	RolloutService(RolloutStore store, RolloutRunner runner, RolloutPlanner planner, RolloutTransitions transitions,
			ProjectLookup projects, ProjectSchemas schemas, RolloutProperties properties,
			PlatformTransactionManager transactionManager, Audit audit) {
		this.store = store;
		this.runner = runner;
		this.planner = planner;
		this.transitions = transitions;
		this.audit = audit;
		this.projects = projects;
		this.schemas = schemas;
		this.properties = properties;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** The dry run: what {@link #start} would do with this request now, read from each database; changes nothing. */
	RolloutPlan plan(RolloutRequest request) {
		Prepared prepared = prepare(request);
		return this.planner.inspect(prepared.items(), prepared.settings());
	}

	/** Records a rollout of the matching READY projects, in its waves, and starts running it on this replica. */
	Rollout start(RolloutRequest request) {
		Prepared prepared = prepare(request);
		UUID id = UUID.randomUUID();
		try {
			this.transactions.executeWithoutResult(tx -> {
				this.store.insert(id, prepared.settings(), this.schemas.locations());
				this.store.addItems(id, prepared.items());
			});
		}
		catch (DuplicateKeyException ex) {
			throw this.store.findUnfinished()
				.map(unfinished -> RolloutConflictException.running(unfinished.id(), unfinished.state()))
				.orElseThrow(() -> ex);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("rollout", id);
		details.put("parallelism", prepared.settings().parallelism());
		details.put("maxPerServer", prepared.settings().maxPerServer());
		details.put("projects", prepared.items().size());
		details.put("waves", (prepared.settings().canary() ? "canary," : "")
				+ String.join(",", prepared.settings().wavePercents().stream().map(p -> p + "%").toList()));
		details.put("locations", String.join(",", this.schemas.locations()));
		this.audit.record("schema.rollout", details);
		if (prepared.items().isEmpty()) {
			// Nothing matched: complete at once rather than block the next rollout.
			this.transitions.change(Caller.current(), id, UNFINISHED, RolloutState.COMPLETED,
					prepared.settings().lastWave(), null);
		}
		else {
			this.transitions.refresh();
			this.runner.launch(id);
		}
		return get(id, null, 0, DEFAULT_PAGE_SIZE);
	}

	/** Continues a PAUSED rollout with its next wave, or a HALTED one with its failures first. */
	Rollout resume(UUID id) {
		RolloutStore.RolloutRow rollout = find(id);
		if (rollout.state() != RolloutState.PAUSED && rollout.state() != RolloutState.HALTED) {
			throw RolloutConflictException.notResumable(id, rollout.state());
		}
		this.transactions.executeWithoutResult(tx -> {
			if (!this.transitions.change(Caller.current(), id, EnumSet.of(rollout.state()), RolloutState.RUNNING,
					rollout.currentWave(), null)) {
				throw RolloutConflictException.notResumable(id, find(id).state());
			}
			this.store.retryFailed(id);
		});
		this.runner.launch(id);
		return get(id, null, 0, DEFAULT_PAGE_SIZE);
	}

	/** Starts no new database; the ones under way finish. What had not started is SKIPPED. */
	Rollout cancel(UUID id) {
		RolloutStore.RolloutRow rollout = find(id);
		if (!rollout.state().unfinished()) {
			throw RolloutConflictException.finished(id, rollout.state());
		}
		Caller caller = Caller.current();
		this.transactions.executeWithoutResult(tx -> {
			this.store.skipPending(id, "the rollout was cancelled");
			if (!this.transitions.change(caller, id, UNFINISHED, RolloutState.CANCELLED, rollout.currentWave(),
					"cancelled by " + caller.name())) {
				throw RolloutConflictException.finished(id, find(id).state());
			}
		});
		return get(id, null, 0, DEFAULT_PAGE_SIZE);
	}

	/** Rollouts newest first, {@code size} at a time, optionally in one state; {@code cursor} from the last page. */
	RolloutList list(RolloutState state, String cursor, int size) {
		if (size < 1 || size > MAX_LIST_SIZE) {
			throw new InvalidRequestException(List.of(new FieldProblem("size", "must be between 1 and " + MAX_LIST_SIZE)));
		}
		Instant createdAt = null;
		UUID after = null;
		if (cursor != null) {
			List<String> position = PageCursor.decode(cursor, 2);
			try {
				createdAt = Instant.parse(position.get(0));
				after = UUID.fromString(position.get(1));
			}
			catch (IllegalArgumentException | DateTimeParseException ex) {
				throw PageCursor.notACursor();
			}
		}
		KeysetPage<RolloutList.Summary> page = KeysetPage.of(this.store.page(state, createdAt, after, size + 1), size,
				last -> new String[] { last.createdAt().toString(), last.id().toString() });
		return new RolloutList(page.content(), page.next());
	}

	/**
	 * A rollout's items in the order of its page of items (FAILED first, then by wave and project name), {@code size}
	 * at a time, optionally only those in one state; {@code cursor} from the last page. An item whose state changes
	 * while a client walks the list may move behind or ahead of the client's position: the counts stay exact.
	 */
	RolloutItemPage items(UUID id, ItemState state, String cursor, int size) {
		if (size < 1 || size > MAX_PAGE_SIZE) {
			throw new InvalidRequestException("size", "must be between 1 and " + MAX_PAGE_SIZE);
		}
		RolloutStore.ItemPosition after = (cursor != null) ? RolloutStore.ItemPosition.of(PageCursor.decode(cursor, 4)) : null;
		find(id);
		KeysetPage<RolloutItem> page = KeysetPage.of(this.store.items(id, state, after, size + 1), size,
				last -> RolloutStore.ItemPosition.of(last).parts());
		return new RolloutItemPage(page.content(), page.next());
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
		RolloutStore.RolloutRow rollout = find(id);
		Map<ItemState, Long> counts = this.store.countByState(id);
		long matching = (itemState != null) ? counts.get(itemState) : total(counts);
		List<Rollout.Wave> waves = new ArrayList<>();
		this.store.countByWave(rollout)
			.forEach((wave, byState) -> waves.add(new Rollout.Wave(wave, rollout.settings().waveName(wave), counts(byState))));
		RolloutSettings settings = rollout.settings();
		return new Rollout(rollout.id(), rollout.state(), rollout.reason(), rollout.currentWave(), settings.parallelism(),
				settings.maxPerServer(), Rollout.Budget.of(settings.failureBudget()), settings.pauseBetweenWaves(), rollout.locations(),
				rollout.createdAt(), rollout.updatedAt(), rollout.finishedAt(), counts(counts), waves,
				new Rollout.Items(this.store.items(id, itemState, page, size), page, size, matching,
						(int) ((matching + size - 1) / size)));
	}

	private RolloutStore.RolloutRow find(UUID id) {
		return this.store.find(id).orElseThrow(() -> new RolloutNotFoundException(id));
	}

	private static Rollout.Counts counts(Map<ItemState, Long> counts) {
		return new Rollout.Counts(total(counts), counts.get(ItemState.PENDING), counts.get(ItemState.RUNNING),
				counts.get(ItemState.SUCCEEDED), counts.get(ItemState.FAILED), counts.get(ItemState.SKIPPED));
	}

	private static long total(Map<ItemState, Long> counts) {
		return counts.values().stream().mapToLong(Long::longValue).sum();
	}

	/** Validates the request and puts the matching projects into waves: the same for a dry run and a real one. */
	private Prepared prepare(RolloutRequest request) {
		if (!this.schemas.enabled()) {
			throw RolloutConflictException.schemaDisabled();
		}
		int parallelism = (request.parallelism() != null) ? request.parallelism() : this.properties.defaultParallelism();
		int maxPerServer = (request.maxPerServer() != null) ? request.maxPerServer()
				: Math.min(this.properties.maxPerServer(), parallelism);
		List<Integer> waves = (request.waves() != null) ? request.waves() : ONE_WAVE;
		validate(request, parallelism, maxPerServer, waves);
		RolloutRequest.Canary canary = request.canary();
		RolloutSettings settings = new RolloutSettings(parallelism, maxPerServer, canary != null, List.copyOf(waves),
				request.failureBudget(), Boolean.TRUE.equals(request.pauseBetweenWaves()));
		Set<UUID> projectIds = (request.projects() == null) ? null : resolve(request.projects());
		Set<UUID> canaryIds = (canary != null && canary.projects() != null) ? resolve(canary.projects()) : null;
		List<RolloutPlanner.Candidate> candidates = this.store.candidates(projectIds, request.schemaVersion(),
				ProjectFilter.NO_SCHEMA_VERSION.equals(request.schemaVersion()));
		if (canaryIds != null) {
			Set<UUID> outside = new LinkedHashSet<>(canaryIds);
			candidates.forEach(candidate -> outside.remove(candidate.id()));
			if (!outside.isEmpty()) {
				throw new InvalidRequestException(List.of(new FieldProblem("canary.projects",
						"must be among the READY projects the rollout covers; not: " + outside)));
			}
		}
		return new Prepared(settings, this.planner.assign(candidates, settings,
				(canary != null) ? canary.count() : null, canaryIds));
	}

	private void validate(RolloutRequest request, int parallelism, int maxPerServer, List<Integer> waves) {
		List<FieldProblem> errors = new ArrayList<>();
		if (parallelism < 1 || parallelism > this.properties.maxParallelism()) {
			errors.add(new FieldProblem("parallelism", "must be between 1 and " + this.properties.maxParallelism()
					+ " (registry.schema-rollouts.max-parallelism)"));
		}
		if (maxPerServer < 1 || maxPerServer > parallelism) {
			errors.add(new FieldProblem("maxPerServer", "must be between 1 and parallelism (" + parallelism + ")"));
		}
		projectsProblem("projects", request.projects()).ifPresent(errors::add);
		ProjectFilter.schemaVersionProblem(request.schemaVersion()).ifPresent(errors::add);
		if (waves.isEmpty() || waves.size() > RolloutPlanner.MAX_WAVES || waves.stream().anyMatch(Objects::isNull)
				|| waves.get(waves.size() - 1) != 100 || !increasing(waves)) {
			errors.add(new FieldProblem("waves", "must be 1 to " + RolloutPlanner.MAX_WAVES
					+ " strictly increasing percentages between 1 and 100, ending with 100"));
		}
		RolloutRequest.Canary canary = request.canary();
		if (canary != null) {
			if ((canary.count() == null) == (canary.projects() == null)) {
				errors.add(new FieldProblem("canary", "must have either count or projects"));
			}
			else if (canary.count() != null && (canary.count() < 1 || canary.count() > MAX_PROJECTS)) {
				errors.add(new FieldProblem("canary.count", "must be between 1 and " + MAX_PROJECTS));
			}
			projectsProblem("canary.projects", canary.projects()).ifPresent(errors::add);
		}
		RolloutRequest.FailureBudget budget = request.failureBudget();
		if (budget != null) {
			if (budget.count() == null && budget.percent() == null) {
				errors.add(new FieldProblem("failureBudget", "must have count, percent or both"));
			}
			if (budget.count() != null && budget.count() < 0) {
				errors.add(new FieldProblem("failureBudget.count", "must be 0 or more"));
			}
			BigDecimal percent = budget.percent();
			if (percent != null && (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0
					|| percent.stripTrailingZeros().scale() > 2)) {
				errors.add(new FieldProblem("failureBudget.percent", "must be between 0 and 100, with at most 2 decimals"));
			}
		}
		if (!errors.isEmpty()) {
			throw new InvalidRequestException(errors);
		}
	}

	private static Optional<FieldProblem> projectsProblem(String field, List<String> projects) {
		if (projects == null) {
			return Optional.empty();
		}
		if (projects.isEmpty() || projects.size() > MAX_PROJECTS) {
			return Optional.of(new FieldProblem(field, "must list between 1 and " + MAX_PROJECTS
					+ " projects, or be left out"));
		}
		if (projects.stream().anyMatch(project -> project == null)) {
			return Optional.of(new FieldProblem(field, "must not contain null"));
		}
		return Optional.empty();
	}

	private static boolean increasing(List<Integer> percents) {
		int previous = 0;
		for (int percent : percents) {
			if (percent <= previous || percent > 100) {
				return false;
			}
			previous = percent;
		}
		return true;
	}

	/** Project ids of the named projects; an unknown one is a 404, as everywhere else. */
	private Set<UUID> resolve(List<String> idsOrNames) {
		Set<UUID> ids = new LinkedHashSet<>();
		idsOrNames.forEach(idOrName -> ids.add(this.projects.committed().get(idOrName).id()));
		return ids;
	}

	/** A validated request: its settings and its projects in waves. */
	private record Prepared(RolloutSettings settings, List<RolloutPlanner.Planned> items) {
	}

}
