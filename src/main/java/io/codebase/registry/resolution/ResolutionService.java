package io.codebase.registry.resolution;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.codebase.registry.problem.RegistryException;
import io.codebase.registry.project.EnsureProject;
import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.project.ProjectService;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.provisioning.DatabaseProvisioner;
import io.codebase.registry.session.SessionId;
import io.codebase.registry.session.SessionService;
import io.codebase.registry.session.SessionView;
import io.codebase.registry.web.InvalidRequestException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Service;

/**
 * Resolves which project a caller means, through the tiers in order; the first hit wins (DESIGN.md, Resolution).
 * Invariant 5: an explicit project or a session that does not exist is an error, never a fallback, and the
 * default workspace is used only when nothing identified a project, marked {@code fallback}.
 */
@Service
public class ResolutionService {

	public static final String TIER_HEADER = "X-Resolution-Tier";

	/** Sent (as {@code true}) only with a resolution answered from an unconfirmed cache; see {@link Resolution}. */
	public static final String SERVED_FROM_CACHE_HEADER = "X-Served-From-Cache";

	static final String DEFAULT_DESCRIPTION = "Default workspace: used only when a caller identifies no project";

	private final ProjectService projects;

	private final SessionService sessions;

	private final ConfigFiles configFiles;

	private final WorkflowClient workflow;

	private final DatabaseProvisioner provisioner;

	private final ResolutionProperties properties;

	private final MeterRegistry meters;

	ResolutionService(ProjectService projects, SessionService sessions, ConfigFiles configFiles,
			WorkflowClient workflow, DatabaseProvisioner provisioner, ResolutionProperties properties,
			MeterRegistry meters) {
		this.projects = projects;
		this.sessions = sessions;
		this.configFiles = configFiles;
		this.workflow = workflow;
		this.provisioner = provisioner;
		this.properties = properties;
		this.meters = meters;
	}

	/** Resolves for the service itself or an admin: may create the project and its database. */
	public Resolution resolve(ResolutionRequest request) {
		return resolve(request, true);
	}

	/**
	 * Resolves; with {@code mayCreate} false (a reader) only an existing READY project is answered, and whatever
	 * would create a project or a database is a 403 that writes nothing. Writing an existing project's id back
	 * into the config file is still done: it records what the registry already holds and creates nothing.
	 */
	public Resolution resolve(ResolutionRequest request, boolean mayCreate) {
		Trace trace = new Trace();
		long started = System.nanoTime();
		Tier tier = Tier.EXPLICIT;
		try {
			Optional<Resolution> resolved = explicit(request, mayCreate, trace);
			Optional<SessionView> session = Optional.empty();
			if (resolved.isEmpty()) {
				tier = Tier.SESSION_CONFIG;
				// A session the caller names but that does not exist is an error, never a reason to fall back.
				session = Optional.ofNullable(request.sessionId()).map(this.sessions::get);
				resolved = sessionConfig(request, session, mayCreate, trace);
			}
			if (resolved.isEmpty()) {
				tier = Tier.ACTIVE_PROJECT;
				resolved = activeProject(session, mayCreate, trace);
			}
			if (resolved.isEmpty()) {
				tier = Tier.DEFAULT;
				resolved = Optional.of(defaultWorkspace(request, mayCreate, trace));
			}
			Resolution resolution = resolved.get();
			record(trace, resolution.tier(), started);
			return request.isExplain() ? withTrace(resolution, trace) : resolution;
		}
		catch (RegistryException ex) {
			trace.error(tier, ex.detail());
			record(trace, tier, started);
			if (request.isExplain()) {
				ex.with("trace", trace.entries());
			}
			throw new ResolutionFailedException(tier, ex);
		}
	}

	/** Creates the default workspace if it is missing, so the first fallback is as fast as the rest. */
	void ensureDefaultWorkspace() {
		this.projects.getOrCreate(new EnsureProject(this.properties.defaultProject(), DEFAULT_DESCRIPTION, null, null));
	}

	private Optional<Resolution> explicit(ResolutionRequest request, boolean mayCreate, Trace trace) {
		if (request.project() == null) {
			trace.skipped(Tier.EXPLICIT, "no project named");
			return Optional.empty();
		}
		ProjectView project = this.projects.ensureReady(this.projects.get(request.project()), mayCreate);
		trace.hit(Tier.EXPLICIT, "project '" + request.project() + "' named by the caller");
		return Optional.of(resolution(project, Tier.EXPLICIT, false));
	}

	private Optional<Resolution> sessionConfig(ResolutionRequest request, Optional<SessionView> session,
			boolean mayCreate, Trace trace) {
		ProjectConfig config;
		if (request.config() != null) {
			config = this.configFiles.inline(request.config());
		}
		else if (session.isEmpty() || session.get().workingDirectory() == null) {
			trace.skipped(Tier.SESSION_CONFIG, session.isEmpty() ? "no session" : "session has no working directory");
			return Optional.empty();
		}
		else {
			Path workingDirectory = Path.of(session.get().workingDirectory());
			ConfigFiles.Search search = this.configFiles.find(workingDirectory);
			if (search.file().isEmpty()) {
				trace.miss(Tier.SESSION_CONFIG, "no " + this.properties.configFile() + " from " + workingDirectory
						+ " up: " + search.stoppedBecause());
				return Optional.empty();
			}
			config = this.configFiles.read(search.file().get());
		}
		Optional<ProjectView> byId = Optional.ofNullable(config.id()).flatMap(this.projects::findById);
		String name = byId.map(ProjectView::name).orElse(config.name());
		EnsuredProject ensured = this.projects
			.getOrCreate(new EnsureProject(name, config.description(), config.id(), config.databaseName()), mayCreate);
		String reason = (byId.isPresent() ? "project.id " + config.id()
				: ensured.created() ? "created project.name '" + name + "'" : "project.name '" + name + "'")
				+ " in " + config.source();
		if (config.file() != null && !ensured.project().id().equals(config.id())) {
			reason += "; " + this.configFiles.writeBackId(config, ensured.project().id());
		}
		trace.hit(Tier.SESSION_CONFIG, reason);
		return Optional.of(resolution(ensured.project(), Tier.SESSION_CONFIG, ensured.created()));
	}

	private Optional<Resolution> activeProject(Optional<SessionView> session, boolean mayCreate, Trace trace) {
		if (session.isEmpty()) {
			trace.skipped(Tier.ACTIVE_PROJECT, "no session");
		}
		else if (session.get().activeProjectId() == null) {
			trace.miss(Tier.ACTIVE_PROJECT, "session has no active project");
		}
		else {
			Optional<ProjectView> active = this.projects.findById(session.get().activeProjectId());
			if (active.isPresent()) {
				trace.hit(Tier.ACTIVE_PROJECT, "session's active project '" + active.get().name() + "'");
				return Optional.of(resolution(this.projects.ensureReady(active.get(), mayCreate), Tier.ACTIVE_PROJECT, false));
			}
			trace.miss(Tier.ACTIVE_PROJECT, "session's active project no longer exists");
		}
		if (!this.workflow.enabled()) {
			trace.skipped(Tier.ACTIVE_PROJECT, "no workflow service configured (registry.workflow.url)");
			return Optional.empty();
		}
		WorkflowClient.Answer answer = this.workflow.activeProject();
		if (!answer.hasProject()) {
			trace.miss(Tier.ACTIVE_PROJECT, answer.reason());
			return Optional.empty();
		}
		try {
			ProjectView project = this.projects.get(answer.project());
			trace.hit(Tier.ACTIVE_PROJECT, answer.reason());
			return Optional.of(resolution(this.projects.ensureReady(project, mayCreate), Tier.ACTIVE_PROJECT, false));
		}
		catch (ProjectNotFoundException ex) {
			trace.miss(Tier.ACTIVE_PROJECT, answer.reason() + ", which is unknown to the registry");
			return Optional.empty();
		}
	}

	private Resolution defaultWorkspace(ResolutionRequest request, boolean mayCreate, Trace trace) {
		if (request.isStrict()) {
			throw new NoProjectIdentifiedException();
		}
		EnsuredProject ensured = this.projects
			.getOrCreate(new EnsureProject(this.properties.defaultProject(), DEFAULT_DESCRIPTION, null, null), mayCreate);
		trace.hit(Tier.DEFAULT, "nothing identified a project; using the default workspace '"
				+ this.properties.defaultProject() + "'");
		return resolution(ensured.project(), Tier.DEFAULT, ensured.created());
	}

	private Resolution resolution(ProjectView project, Tier tier, boolean created) {
		return new Resolution(project, project.databaseName(), this.provisioner.jdbcUrlFor(project.databaseName()),
				tier, tier == Tier.DEFAULT, created, this.projects.cacheUnconfirmed(), null);
	}

	private static Resolution withTrace(Resolution resolution, Trace trace) {
		return new Resolution(resolution.project(), resolution.databaseName(), resolution.jdbcUrl(), resolution.tier(),
				resolution.fallback(), resolution.created(), resolution.servedFromCache(), trace.entries());
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
