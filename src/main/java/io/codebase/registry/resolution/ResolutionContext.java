package io.codebase.registry.resolution;

import java.util.Optional;

import io.codebase.registry.project.CreationPolicy;
import io.codebase.registry.session.SessionService;
import io.codebase.registry.session.SessionView;

/** What the tiers of one resolution share: the request, what the caller may create, the trace, the session. */
final class ResolutionContext {

	private final ResolutionRequest request;

	private final CreationPolicy policy;

	private final SessionService sessions;

	private final Trace trace = new Trace();

	/** Looked up by the first tier that asks; {@code null} until then. */
	private Optional<SessionView> session;

	ResolutionContext(ResolutionRequest request, CreationPolicy policy, SessionService sessions) {
		this.request = request;
		this.policy = policy;
		this.sessions = sessions;
	}

	ResolutionRequest request() {
		return this.request;
	}

	CreationPolicy policy() {
		return this.policy;
	}

	Trace trace() {
		return this.trace;
	}

	/**
	 * The session the caller names, if any. A named session that does not exist is a 404 thrown by the first tier
	 * that asks, never an empty answer: it is an error, never a reason to fall back.
	 */
	Optional<SessionView> session() {
		if (this.session == null) {
			this.session = Optional.ofNullable(this.request.sessionId()).map(this.sessions::get);
		}
		return this.session;
	}

}
