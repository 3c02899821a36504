package io.codebase.registry.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** The embedded PostgreSQL's data directory or port taken by another process: one message, no stack trace. */
class EmbeddedPostgresConflictFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedPostgresConflictException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedPostgresConflictException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
