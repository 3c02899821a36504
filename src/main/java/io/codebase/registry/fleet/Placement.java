package io.codebase.registry.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.codebase.registry.problem.InvalidRequestException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Chooses the server of a new project. Only ACTIVE servers that are UP, carry every wanted label and are below
 * capacity (keeping {@code registry.fleet.reserve} free) are eligible; among them the one with the fewest projects
 * per unit of weight wins, so that over many placements each server's share follows its weight.
 * <p>
 * Decides inside the caller's transaction, holding the servers' rows locked until it commits the new project: the
 * project count it read cannot change under it, so replicas placing at once never push a server past its capacity.
 * What moves have reserved on a server ({@link CapacityReservations}) counts as if it were there already.
 */
@Component
public class Placement {

	private final DatabaseServers servers;

	private final ServerStates states;

	private final FleetProperties properties;

	private final ServerMonitor monitor;

	private final MeterRegistry meters;

	private final ObjectProvider<CapacityReservations> reservations;

	/** How long a decision takes, the wait for the servers' row locks included. */
	private final Timer decisions;

	Placement(DatabaseServers servers, ServerStates states, FleetProperties properties, ServerMonitor monitor,
			MeterRegistry meters, ObjectProvider<CapacityReservations> reservations) {
		this.servers = servers;
		this.reservations = reservations;
		this.states = states;
		this.properties = properties;
		this.monitor = monitor;
		this.meters = meters;
		this.decisions = Timer.builder("registry.fleet.placement.duration")
			.description("Time to choose the server of a new project, waiting for the servers' row locks included")
			.serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
					Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
			// The SLO buckets alone leave a p95 of a few milliseconds anywhere between 1 and 5 ms; these add buckets
			// about a third of a power of four apart, for histogram_quantile (and the fleet benchmark). Percentiles
			// computed in the service would not do: Prometheus output drops them from a timer with buckets.
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofNanos(100_000))
			.maximumExpectedValue(Duration.ofSeconds(1))
			.register(meters);
		servers.names().forEach(this::placements);
	}

	/**
	 * The server for a new project, locked until the caller's transaction ends; the caller inserts the project on it
	 * in the same transaction. No eligible server: {@link NoEligibleServerException}, listing every reason.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public PlacementDecision place(PlacementRequest request) {
		return this.decisions.record(() -> {
			recheckIfOnlyDownRemain(request);
			PlacementDecision decision = decide(request, null, 0);
			countOnCommit(decision.server());
			return decision;
		});
	}

	/**
	 * The server a project's database on {@code current} moves to: {@code target} if it is eligible, or, with no
	 * target, the one the same rules choose for a new project among the others, with room for one more project and
	 * {@code expectedBytes}. Decided under the same row locks, inside the caller's transaction, which must record
	 * the move (a {@link CapacityReservations reservation}) before it ends; no eligible server:
	 * {@link NoEligibleServerException}. The project counts on its new server only from the switch on, so a move is
	 * not counted as a placement.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public PlacementDecision placeMove(String current, String target, long expectedBytes) {
		PlacementRequest request = new PlacementRequest(target, Map.of());
		return this.decisions.record(() -> {
			recheckIfOnlyDownRemain(request);
			return decide(request, current, expectedBytes);
		});
	}

	/** Every configured server's project count and weight, and whether it takes projects now. */
	public List<ServerLoad> loads() {
		return this.states.all().stream()
			.filter(state -> this.servers.find(state.name()).isPresent())
			.map(state -> new ServerLoad(state.name(), state.projects(), weight(state),
					state.status() == ServerState.Status.ACTIVE && state.health() == ServerState.Health.UP))
			.toList();
	}

	/**
	 * Before refusing a project for want of a server that is UP, checks again the servers that would take it but
	 * for being recorded DOWN: a DOWN recorded by a request that failed during an outage stays until the next
	 * scheduled check, and nobody should get a 503 from a fleet that answers again. Reads without locks, and the
	 * checks write in their own transactions, before the decision takes the servers' locks.
	 */
	private void recheckIfOnlyDownRemain(PlacementRequest request) {
		List<ServerState> down = new ArrayList<>();
		Map<String, CapacityReservations.Reserved> reserved = reserved();
		for (ServerState state : this.states.all()) {
			if (this.servers.find(state.name()).isEmpty()) {
				continue;
			}
			PlacementDecision.Skipped why = ineligibility(new Candidate(state, reserved), request, 0);
			if (why == null) {
				return;
			}
			if (why.why() == PlacementDecision.SkipReason.DOWN) {
				down.add(state);
			}
		}
		this.monitor.recheck(down);
	}

	/**
	 * The decision for the request, never on {@code excluded} (the current server of a project that moves), on a
	 * server with room for {@code expectedBytes} more.
	 */
	private PlacementDecision decide(PlacementRequest request, String excluded, long expectedBytes) {
		if (request.server() != null && this.servers.find(request.server()).isEmpty()) {
			throw new InvalidRequestException("placement.server",
					"'" + request.server() + "' is not a configured database server; see GET /api/v1/database-servers");
		}
		List<PlacementDecision.Skipped> skipped = new ArrayList<>();
		List<Candidate> eligible = new ArrayList<>();
		List<ServerState> locked = this.states.lock(this.servers.names());
		// Read after the locks: a move recorded by whoever held them before is visible now (read committed).
		Map<String, CapacityReservations.Reserved> reserved = reserved();
		for (ServerState state : locked) {
			Candidate candidate = new Candidate(state, reserved);
			PlacementDecision.Skipped why = state.name().equals(excluded)
					? skip(state, PlacementDecision.SkipReason.CURRENT, "holds the project now")
					: ineligibility(candidate, request, expectedBytes);
			if (why == null) {
				eligible.add(candidate);
			}
			else {
				skipped.add(why);
			}
		}
		if (eligible.isEmpty()) {
			throw new NoEligibleServerException(skipped);
		}
		eligible.sort(Comparator.comparingDouble(this::load)
			.thenComparingDouble(candidate -> candidate.bytes() / weight(candidate.state()))
			.thenComparing(Candidate::name));
		Candidate chosen = eligible.get(0);
		eligible.stream().skip(1).forEach(other -> skipped.add(new PlacementDecision.Skipped(other.name(),
				PlacementDecision.SkipReason.MORE_LOADED, "more loaded: " + other.describeProjects() + ", weight "
						+ format(weight(other.state())))));
		String reason = "fewest projects per unit of weight among " + eligible.size() + " eligible server"
				+ (eligible.size() == 1 ? "" : "s") + " (" + chosen.describeProjects() + ", weight "
				+ format(weight(chosen.state())) + ")";
		return new PlacementDecision(chosen.name(), reason, skipped);
	}

	private Map<String, CapacityReservations.Reserved> reserved() {
		return this.reservations.stream().findFirst().map(CapacityReservations::reserved).orElse(Map.of());
	}

	/** Why a server cannot take the project (and {@code expectedBytes} more), or null when it can. */
	private PlacementDecision.Skipped ineligibility(Candidate candidate, PlacementRequest request, long expectedBytes) {
		ServerState state = candidate.state();
		FleetProperties.Server settings = this.servers.settings(state.name());
		if (request.server() != null && !request.server().equals(state.name())) {
			return skip(state, PlacementDecision.SkipReason.NOT_REQUESTED, "the request names " + request.server());
		}
		if (state.status() == ServerState.Status.CORDONED) {
			return skip(state, PlacementDecision.SkipReason.CORDONED, "cordoned: takes no new projects");
		}
		if (state.health() != ServerState.Health.UP) {
			return skip(state, PlacementDecision.SkipReason.DOWN, (state.health() == ServerState.Health.UNKNOWN)
					? "not checked yet" : "down since " + state.healthSince() + ": " + state.lastError());
		}
		for (Map.Entry<String, String> wanted : request.labels().entrySet()) {
			String has = settings.labels().get(wanted.getKey());
			if (!wanted.getValue().equals(has)) {
				return skip(state, PlacementDecision.SkipReason.LABELS, "wants " + wanted.getKey() + "="
						+ wanted.getValue() + ", has " + ((has == null) ? "no " + wanted.getKey() : wanted.getKey() + "=" + has));
			}
		}
		long maxProjects = settings.capacity().projects();
		if (maxProjects > 0 && candidate.projects() >= usable(maxProjects)) {
			return skip(state, PlacementDecision.SkipReason.FULL, "full: " + candidate.projects() + " of " + maxProjects
					+ " projects" + candidate.incoming() + ", " + reservePercent() + " % kept in reserve");
		}
		long maxBytes = settings.capacity().size().toBytes();
		if (maxBytes > 0 && (candidate.bytes() >= usable(maxBytes) || candidate.bytes() + expectedBytes > usable(maxBytes))) {
			return skip(state, PlacementDecision.SkipReason.FULL, "full: " + candidate.bytes()
					+ ((expectedBytes > 0) ? " + " + expectedBytes + " for this database" : "") + " of " + maxBytes
					+ " bytes" + candidate.incoming() + ", " + reservePercent() + " % kept in reserve");
		}
		return null;
	}

	private static PlacementDecision.Skipped skip(ServerState state, PlacementDecision.SkipReason reason, String detail) {
		return new PlacementDecision.Skipped(state.name(), reason, detail);
	}

	/** The part of a capacity that may be used: at least one, so that a tiny capacity is not always full. */
	private long usable(long capacity) {
		return Math.max(1, (long) Math.floor(capacity * (1 - this.properties.reserve())));
	}

	private long reservePercent() {
		return Math.round(this.properties.reserve() * 100);
	}

	private double load(Candidate candidate) {
		return candidate.projects() / weight(candidate.state());
	}

	private double weight(ServerState state) {
		return this.servers.settings(state.name()).weight();
	}

	private static String format(double weight) {
		return (weight == Math.rint(weight)) ? String.valueOf((long) weight) : String.valueOf(weight);
	}

	/** Counts the placement once the project it placed is committed: a rolled-back insert placed nothing. */
	private void countOnCommit(String server) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				placements(server).increment();
			}

		});
	}

	/** A server as placement weighs it: what it holds, and what moves have reserved on it. */
	private record Candidate(ServerState state, CapacityReservations.Reserved reserved) {

		Candidate(ServerState state, Map<String, CapacityReservations.Reserved> reserved) {
			this(state, reserved.getOrDefault(state.name(), CapacityReservations.Reserved.NONE));
		}

		String name() {
			return this.state.name();
		}

		long projects() {
			return this.state.projects() + this.reserved.projects();
		}

		long bytes() {
			return this.state.bytes() + this.reserved.bytes();
		}

		String describeProjects() {
			return projects() + " projects" + incoming();
		}

		/** What is counted that is not there yet, if anything. */
		String incoming() {
			return (this.reserved.equals(CapacityReservations.Reserved.NONE)) ? ""
					: " (reserved by moves on their way: " + this.reserved.projects() + " projects, "
							+ this.reserved.bytes() + " bytes)";
		}

	}

	private Counter placements(String server) {
		return Counter.builder("registry.fleet.placements")
			.description("New projects placed on a database server")
			.tag("server", server)
			.register(this.meters);
	}

}
