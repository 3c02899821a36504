package io.codebase.registry.resolution;

import java.nio.file.Path;
import java.util.Optional;

import io.codebase.registry.project.EnsureProject;
import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ProjectGetOrCreate;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.session.SessionView;

import org.springframework.stereotype.Component;

/**
 * The project of a config: sent inline, or the session's {@code .codebase-mcp/config.json}. Creates the project
 * if it is missing, and writes its id back into the file.
 */
@Component
class SessionConfigTier implements ResolutionTier {

	private final ProjectLookup projects;

	private final ProjectGetOrCreate getOrCreate;

	private final ConfigLocator locator;

	private final ConfigReader reader;

	private final ConfigWriteBack writeBack;

	private final ResolutionProperties properties;

	SessionConfigTier(ProjectLookup projects, ProjectGetOrCreate getOrCreate, ConfigLocator locator, ConfigReader reader,
			ConfigWriteBack writeBack, ResolutionProperties properties) {
		this.projects = projects;
		this.getOrCreate = getOrCreate;
		this.locator = locator;
		this.reader = reader;
		this.writeBack = writeBack;
		this.properties = properties;
	}

	@Override
	public Tier tier() {
		return Tier.SESSION_CONFIG;
	}

	@Override
	public Optional<EnsuredProject> resolve(ResolutionContext context) {
		// Looked up first, even for an inline config: a named session that does not exist fails this tier.
		Optional<SessionView> session = context.session();
		Optional<ProjectConfig> config = config(context, session);
		return config.map(found -> ensure(found, context));
	}

	private Optional<ProjectConfig> config(ResolutionContext context, Optional<SessionView> session) {
		if (context.request().config() != null) {
			return Optional.of(this.reader.inline(context.request().config()));
		}
		if (session.isEmpty() || session.get().workingDirectory() == null) {
			context.trace().skipped(Tier.SESSION_CONFIG, session.isEmpty() ? "no session" : "session has no working directory");
			return Optional.empty();
		}
		Path workingDirectory = Path.of(session.get().workingDirectory());
		ConfigLocator.Search search = this.locator.find(workingDirectory);
		if (search.file().isEmpty()) {
			context.trace().miss(Tier.SESSION_CONFIG, "no " + this.properties.configFile() + " from " + workingDirectory
					+ " up: " + search.stoppedBecause());
			return Optional.empty();
		}
		return Optional.of(this.reader.read(search.file().get()));
	}

	private EnsuredProject ensure(ProjectConfig config, ResolutionContext context) {
		Optional<ProjectView> byId = Optional.ofNullable(config.id()).flatMap(this.projects.cached()::byId);
		String name = byId.map(ProjectView::name).orElse(config.name());
		EnsuredProject ensured = this.getOrCreate.getOrCreate(
				new EnsureProject(name, config.description(), config.id(), config.databaseName(), config.placement()), context.policy());
		String reason = (byId.isPresent() ? "project.id " + config.id()
				: ensured.created() ? "created project.name '" + name + "'" : "project.name '" + name + "'")
				+ " in " + config.source();
		if (config.file() != null && !ensured.project().id().equals(config.id())) {
			reason += "; " + this.writeBack.writeBackId(config, ensured.project().id());
		}
		context.trace().hit(Tier.SESSION_CONFIG, reason);
		return ensured;
	}

}
