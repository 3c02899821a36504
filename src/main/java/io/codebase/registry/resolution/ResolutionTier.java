package io.codebase.registry.resolution;

import java.util.Optional;

import io.codebase.registry.project.EnsuredProject;

/**
 * One way of telling which project a caller means. {@link ResolutionService} tries the tiers in its order, and the
 * first that answers decides. A tier records what it did in the context's trace (a hit, or why it missed or
 * skipped); an {@link org.springframework.web.ErrorResponseException} it throws ends the resolution, charged to it.
 */
interface ResolutionTier {

	Tier tier();

	/** The READY project this tier identifies (and whether it created it), or empty to pass to the next tier. */
	Optional<EnsuredProject> resolve(ResolutionContext context);

}
