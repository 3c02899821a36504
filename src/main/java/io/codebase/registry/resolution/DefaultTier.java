package io.codebase.registry.resolution;

import java.util.Optional;

import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.project.EnsureProject;
import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ProjectGetOrCreate;

import org.springframework.stereotype.Component;

/** The default workspace, when nothing identified a project; refused in strict mode. Always decides. */
@Component
class DefaultTier implements ResolutionTier {

	private static final String DESCRIPTION = "Default workspace: used only when a caller identifies no project";

	private final ProjectGetOrCreate getOrCreate;

	private final ResolutionProperties properties;

	DefaultTier(ProjectGetOrCreate getOrCreate, ResolutionProperties properties) {
		this.getOrCreate = getOrCreate;
		this.properties = properties;
	}

	@Override
	public Tier tier() {
		return Tier.DEFAULT;
	}

	@Override
	public Optional<EnsuredProject> resolve(ResolutionContext context) {
		if (context.request().isStrict()) {
			throw new NoProjectIdentifiedException();
		}
		EnsuredProject ensured = ensure(context.policy());
		context.trace().hit(Tier.DEFAULT, "nothing identified a project; using the default workspace '"
				+ this.properties.defaultProject() + "'");
		return Optional.of(ensured);
	}

	/** The default workspace, created if it is missing (when the policy allows). */
	EnsuredProject ensure(CreationPolicy policy) {
		return this.getOrCreate.getOrCreate(
				new EnsureProject(this.properties.defaultProject(), DESCRIPTION, null, null), policy);
	}

}
