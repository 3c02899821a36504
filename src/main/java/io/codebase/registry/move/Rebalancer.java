package io.codebase.registry.move;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.codebase.registry.fleet.Placement;
import io.codebase.registry.fleet.ServerLoad;
import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectState;
import io.codebase.registry.project.ProjectView;

import org.springframework.stereotype.Component;

/**
 * Evens out the fleet: plans moves from the server with the most projects per unit of weight to the one with the
 * fewest, one project at a time, until every server that takes projects (ACTIVE and UP) is within
 * {@code registry.moves.rebalance-spread} of the mean, or a further move would not make the two closer; then
 * starts the planned moves. Cordoned and DOWN servers are left alone (draining empties a server).
 */
@Component
class Rebalancer {

	static final String CAUSE = "rebalance";

	private final Placement placement;

	private final ProjectLookup lookup;

	private final MoveService moves;

	private final MoveStore store;

	private final MoveProperties properties;

	Rebalancer(Placement placement, ProjectLookup lookup, MoveService moves, MoveStore store, MoveProperties properties) {
		this.placement = placement;
		this.lookup = lookup;
		this.moves = moves;
		this.store = store;
		this.properties = properties;
	}

	/** Plans and starts the moves; each one that could not start is said why. */
	RebalanceResult rebalance() {
		List<ServerLoad> servers = this.placement.loads().stream().filter(ServerLoad::accepting).toList();
		Map<String, Long> projects = new HashMap<>();
		Map<String, Double> weights = new HashMap<>();
		servers.forEach(server -> {
			projects.put(server.name(), server.projects());
			weights.put(server.name(), server.weight());
		});
		List<String[]> plan = plan(projects, weights);
		List<Move> started = new ArrayList<>();
		List<String> refused = new ArrayList<>();
		Map<String, List<ProjectView>> candidates = new HashMap<>();
		Set<UUID> taken = new HashSet<>();
		for (String[] step : plan) {
			List<ProjectView> onSource = candidates.computeIfAbsent(step[0], server -> this.lookup.onServer(server, 1000));
			ProjectView project = onSource.stream()
				.filter(each -> each.state() == ProjectState.READY && !taken.contains(each.id())
						&& this.store.active(each.id()).isEmpty())
				.findFirst()
				.orElse(null);
			if (project == null) {
				refused.add(step[0] + " -> " + step[1] + ": no READY project without a move left on " + step[0]);
				continue;
			}
			taken.add(project.id());
			try {
				started.add(this.moves.start(project.id().toString(), new MoveRequest(step[1]), CAUSE));
			}
			catch (RegistryException ex) {
				refused.add(project.name() + " -> " + step[1] + ": " + ex.detail());
			}
		}
		return new RebalanceResult(this.properties.rebalanceSpread(), started, refused);
	}

	/** The moves (source, target) that bring every server within the spread, computed on the counts alone. */
	private List<String[]> plan(Map<String, Long> projects, Map<String, Double> weights) {
		List<String[]> plan = new ArrayList<>();
		double totalWeight = weights.values().stream().mapToDouble(Double::doubleValue).sum();
		if (weights.size() < 2 || totalWeight <= 0) {
			return plan;
		}
		double mean = projects.values().stream().mapToLong(Long::longValue).sum() / totalWeight;
		double allowed = mean * (1 + this.properties.rebalanceSpread());
		while (true) {
			String fullest = null;
			String emptiest = null;
			for (String server : projects.keySet()) {
				if (fullest == null || load(server, projects, weights) > load(fullest, projects, weights)) {
					fullest = server;
				}
				if (emptiest == null || load(server, projects, weights) < load(emptiest, projects, weights)) {
					emptiest = server;
				}
			}
			double from = load(fullest, projects, weights);
			double to = load(emptiest, projects, weights);
			// Within the spread, or one more move would only swap which of the two is fuller.
			if (from <= allowed || to + 1 / weights.get(emptiest) >= from) {
				return plan;
			}
			plan.add(new String[] { fullest, emptiest });
			projects.merge(fullest, -1L, Long::sum);
			projects.merge(emptiest, 1L, Long::sum);
		}
	}

	private static double load(String server, Map<String, Long> projects, Map<String, Double> weights) {
		return projects.get(server) / weights.get(server);
	}

}
