package io.codebase.registry.resolution;

import java.util.Optional;

import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ProjectGetOrCreate;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectView;

import org.springframework.stereotype.Component;

/** The project the caller names, by id or name; an unknown one is a 404, never a fallback. */
@Component
class ExplicitTier implements ResolutionTier {

	private final ProjectLookup projects;

	private final ProjectGetOrCreate getOrCreate;

	ExplicitTier(ProjectLookup projects, ProjectGetOrCreate getOrCreate) {
		this.projects = projects;
		this.getOrCreate = getOrCreate;
	}

	@Override
	public Tier tier() {
		return Tier.EXPLICIT;
	}

	@Override
	public Optional<EnsuredProject> resolve(ResolutionContext context) {
		String named = context.request().project();
		if (named == null) {
			context.trace().skipped(Tier.EXPLICIT, "no project named");
			return Optional.empty();
		}
		ProjectView project = this.getOrCreate.ensureReady(this.projects.cached().get(named), context.policy());
		context.trace().hit(Tier.EXPLICIT, "project '" + named + "' named by the caller");
		return Optional.of(new EnsuredProject(project, false));
	}

}
