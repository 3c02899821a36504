package io.codebase.registry.resolution;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.fleet.PlacementDecision;
import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.session.SessionId;
import io.codebase.registry.session.SessionService;
import io.codebase.registry.problem.InvalidRequestException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Service;

/**
 * Resolves which project a caller means, through the tiers in order; the first hit wins (docs/architecture.md#resolution-tiers).
 * Invariant 5: an explicit project or a session that does not exist is an error, never a fallback, and the
 * default workspace is used only when nothing identified a project, marked {@code fallback}.
 */
@Service
public class ResolutionService {

	public static final String TIER_HEADER = "X-Resolution-Tier";

	/** Sent (as {@code true}) only with a resolution answered from an unconfirmed cache; see {@link Resolution}. */
	public static final String SERVED_FROM_CACHE_HEADER = "X-Served-From-Cache";

	/** The tiers in the order they are tried; the last one always decides. */
	private final List<ResolutionTier> tiers;

	private final DefaultTier defaultTier;

	private final SessionService sessions;

	private final ProjectLookup projects;

	private final MeterRegistry meters;

	ResolutionService(ExplicitTier explicit, SessionConfigTier sessionConfig, ActiveProjectTier activeProject,
			DefaultTier defaultTier, SessionService sessions, ProjectLookup projects, MeterRegistry meters) {
		this.tiers = List.of(explicit, sessionConfig, activeProject, defaultTier);
		this.defaultTier = defaultTier;
		this.sessions = sessions;
		this.projects = projects;
		this.meters = meters;
	}

	/**
	 * Resolves; with {@link CreationPolicy#EXISTING_ONLY} (a reader) only an existing READY project is answered, and whatever
	 * would create a project or a database is a 403 that writes nothing. Writing an existing project's id back
	 * into the config file is still done: it records what the registry already holds and creates nothing.
	 */
	public Resolution resolve(ResolutionRequest request, CreationPolicy policy) {
		ResolutionContext context = new ResolutionContext(request, policy, this.sessions);
		long started = System.nanoTime();
		for (ResolutionTier tier : this.tiers) {
			Optional<EnsuredProject> found;
			try {
				found = tier.resolve(context);
			}
			catch (RegistryException ex) {
				throw failed(ex, tier.tier(), context, started);
			}
			if (found.isPresent()) {
				explainPlacement(found.get(), context.trace());
				Resolution resolution = resolution(found.get(), tier.tier());
				record(context.trace(), tier.tier(), started);
				return request.isExplain() ? withTrace(resolution, context.trace()) : resolution;
			}
		}
		throw new IllegalStateException("No resolution tier decided; the last one must always decide");
	}

	/** A project this resolution created: which server it was placed on, and why not on each other one. */
	private static void explainPlacement(EnsuredProject found, Trace trace) {
		PlacementDecision placement = found.project().placement();
		if (found.created() && placement != null) {
			StringBuilder reason = new StringBuilder("created on server ").append(placement.server()).append(": ")
				.append(placement.reason());
			placement.skipped().forEach(skipped -> reason.append("; ").append(skipped.server()).append(' ')
				.append(skipped.why()).append(": ").append(skipped.detail()));
			trace.explain(reason.toString());
		}
	}

	/** Creates the default workspace if it is missing, so the first fallback is as fast as the rest. */
	void ensureDefaultWorkspace() {
		this.defaultTier.ensure(CreationPolicy.MAY_CREATE);
	}

	/** The error, charged to the tier that failed: in the trace, the metrics and (by the controller) the tier header. */
	private ResolutionFailedException failed(RegistryException ex, Tier tier, ResolutionContext context,
			long started) {
		context.trace().error(tier, ex.detail());
		record(context.trace(), tier, started);
		if (context.request().isExplain()) {
			ex.with("trace", context.trace().entries());
		}
		return new ResolutionFailedException(tier, ex);
	}

	private Resolution resolution(EnsuredProject found, Tier tier) {
		ProjectView project = found.project().requireNotMoving();
		return new Resolution(project, project.databaseName(), project.connection().jdbcUrl(), project.connection(),
				tier, tier == Tier.DEFAULT, found.created(), this.projects.cacheUnconfirmed(), null, null);
	}

	private static Resolution withTrace(Resolution resolution, Trace trace) {
		return new Resolution(resolution.project(), resolution.databaseName(), resolution.jdbcUrl(),
				resolution.connection(), resolution.tier(),
				resolution.fallback(), resolution.created(), resolution.servedFromCache(), trace.entries(), null);
	}

	private void record(Trace trace, Tier decidedBy, long started) {
		for (TraceEntry entry : trace.entries()) {
			Counter.builder("registry.resolutions")
				.description("Resolution steps by tier and outcome; HIT marks the tier that decided")
				.tag("tier", entry.tier().name())
				.tag("outcome", entry.outcome().name())
				.register(this.meters)
				.increment();
		}
		Timer.builder("registry.resolution.duration")
			.description("Time to resolve a project, by the tier that decided (or failed)")
			.tag("tier", decidedBy.name())
			.register(this.meters)
			.record(Duration.ofNanos(System.nanoTime() - started));
	}

	/** Validates a session id given in a header or query, before any tier runs. */
	static String sessionId(String fromBody, String fromHeader) {
		if (fromBody != null && fromHeader != null && !fromBody.equals(fromHeader)) {
			throw new InvalidRequestException("sessionId",
					"differs from the X-Session-Id header; send one or make them equal");
		}
		String sessionId = (fromBody != null) ? fromBody : fromHeader;
		return (sessionId != null) ? SessionId.require(sessionId) : null;
	}

}
