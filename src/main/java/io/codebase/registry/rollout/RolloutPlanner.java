package io.codebase.registry.rollout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.codebase.registry.fleet.DatabaseServers;
import io.codebase.registry.provisioning.ProjectSchemas;

import org.springframework.stereotype.Component;

/**
 * Puts the projects of a rollout into waves, and, for a dry run, asks each database what it would apply. The real
 * run stores the same assignment with its items, so a dry run's plan is what the run then does.
 */
@Component
class RolloutPlanner {

	static final int MAX_WAVES = 10;

	private final ProjectSchemas schemas;

	private final DatabaseServers servers;

	private final RolloutProperties properties;

	RolloutPlanner(ProjectSchemas schemas, DatabaseServers servers, RolloutProperties properties) {
		this.schemas = schemas;
		this.servers = servers;
		this.properties = properties;
	}

	/**
	 * The canary (the named projects, or the first {@code canaryCount} by name) is wave 0; the others, in name
	 * order, fill waves 1, 2, ... up to each wave's cumulative percentage (rounded up).
	 */
	List<Planned> assign(List<Candidate> candidates, RolloutSettings settings, Integer canaryCount, Set<UUID> canaryIds) {
		List<Planned> planned = new ArrayList<>();
		List<Candidate> rest = new ArrayList<>();
		for (Candidate candidate : candidates) {
			boolean canary = (canaryIds != null) ? canaryIds.contains(candidate.id())
					: canaryCount != null && planned.size() < canaryCount;
			if (canary) {
				planned.add(new Planned(candidate, 0));
			}
			else {
				rest.add(candidate);
			}
		}
		int start = 0;
		for (int wave = 1; wave <= settings.lastWave(); wave++) {
			int end = (int) Math.ceil(rest.size() * settings.wavePercents().get(wave - 1) / 100.0);
			for (Candidate candidate : rest.subList(start, end)) {
				planned.add(new Planned(candidate, wave));
			}
			start = end;
		}
		return planned;
	}

	/**
	 * The dry run: for every database, its version now and the migrations it would get (Flyway's {@code info()}),
	 * {@code parallelism} databases at a time, all within {@code registry.schema-rollouts.dry-run-timeout}; a
	 * database not read in time says so in its {@code error}.
	 */
	RolloutPlan inspect(List<Planned> planned, RolloutSettings settings) {
		ExecutorService readers = Executors.newFixedThreadPool(settings.parallelism(),
				RolloutRunner.named("schema-rollout-dry-run"));
		try {
			Map<Planned, Future<ProjectSchemas.Pending>> reads = new LinkedHashMap<>();
			planned.forEach(item -> reads.put(item, readers.submit(
					() -> this.schemas.pending(this.servers.server(item.project().server()), item.project().databaseName()))));
			long deadline = System.nanoTime() + this.properties.dryRunTimeout().toNanos();
			Map<Integer, List<RolloutPlan.Project>> waves = new LinkedHashMap<>();
			for (int wave = settings.firstWave(); wave <= settings.lastWave(); wave++) {
				waves.put(wave, new ArrayList<>());
			}
			reads.forEach((item, read) -> waves.get(item.wave()).add(project(item, read, deadline)));
			List<RolloutPlan.Wave> plan = new ArrayList<>();
			waves.forEach((wave, projects) -> plan.add(new RolloutPlan.Wave(wave, settings.waveName(wave), projects)));
			return new RolloutPlan(planned.size(), settings.parallelism(), settings.maxPerServer(),
					this.schemas.locations(), plan);
		}
		finally {
			readers.shutdownNow();
		}
	}

	private RolloutPlan.Project project(Planned item, Future<ProjectSchemas.Pending> read, long deadline) {
		Candidate project = item.project();
		try {
			ProjectSchemas.Pending pending = read.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			return new RolloutPlan.Project(project.id(), project.name(), project.databaseName(), project.server(),
					pending.current(), pending.target(), pending.versions(), null);
		}
		catch (TimeoutException ex) {
			read.cancel(true);
			return unknown(project, "not read within " + this.properties.dryRunTimeout().toSeconds()
					+ " s (registry.schema-rollouts.dry-run-timeout)");
		}
		catch (ExecutionException ex) {
			return unknown(project, ex.getCause().getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return unknown(project, "interrupted");
		}
	}

	private static RolloutPlan.Project unknown(Candidate project, String error) {
		return new RolloutPlan.Project(project.id(), project.name(), project.databaseName(), project.server(), null,
				null, List.of(), error);
	}

	/** A READY project a rollout may cover. */
	record Candidate(UUID id, String name, String databaseName, String server) {
	}

	/** A project and its wave. */
	record Planned(Candidate project, int wave) {
	}

}
