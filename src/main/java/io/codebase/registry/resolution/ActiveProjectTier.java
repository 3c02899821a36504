package io.codebase.registry.resolution;

import java.util.Optional;

import io.codebase.registry.project.EnsuredProject;
import io.codebase.registry.project.ProjectGetOrCreate;
import io.codebase.registry.project.ProjectLookup;
import io.codebase.registry.project.ProjectNotFoundException;
import io.codebase.registry.project.ProjectView;
import io.codebase.registry.session.SessionView;

import org.springframework.stereotype.Component;

/** The session's active project, then the workflow service's (when one is configured). */
@Component
class ActiveProjectTier implements ResolutionTier {

	private final ProjectLookup projects;

	private final ProjectGetOrCreate getOrCreate;

	private final WorkflowClient workflow;

	ActiveProjectTier(ProjectLookup projects, ProjectGetOrCreate getOrCreate, WorkflowClient workflow) {
		this.projects = projects;
		this.getOrCreate = getOrCreate;
		this.workflow = workflow;
	}

	@Override
	public Tier tier() {
		return Tier.ACTIVE_PROJECT;
	}

	@Override
	public Optional<EnsuredProject> resolve(ResolutionContext context) {
		Trace trace = context.trace();
		Optional<SessionView> session = context.session();
		if (session.isEmpty()) {
			trace.skipped(Tier.ACTIVE_PROJECT, "no session");
		}
		else if (session.get().activeProjectId() == null) {
			trace.miss(Tier.ACTIVE_PROJECT, "session has no active project");
		}
		else {
			Optional<ProjectView> active = this.projects.cached().byId(session.get().activeProjectId());
			if (active.isPresent()) {
				trace.hit(Tier.ACTIVE_PROJECT, "session's active project '" + active.get().name() + "'");
				return Optional.of(ready(active.get(), context));
			}
			trace.miss(Tier.ACTIVE_PROJECT, "session's active project no longer exists");
		}
		return fromWorkflow(context);
	}

	private Optional<EnsuredProject> fromWorkflow(ResolutionContext context) {
		Trace trace = context.trace();
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
			ProjectView project = this.projects.cached().get(answer.project());
			trace.hit(Tier.ACTIVE_PROJECT, answer.reason());
			return Optional.of(ready(project, context));
		}
		catch (ProjectNotFoundException ex) {
			trace.miss(Tier.ACTIVE_PROJECT, answer.reason() + ", which is unknown to the registry");
			return Optional.empty();
		}
	}

	private EnsuredProject ready(ProjectView project, ResolutionContext context) {
		return new EnsuredProject(this.getOrCreate.ensureReady(project, context.policy()), false);
	}

}
