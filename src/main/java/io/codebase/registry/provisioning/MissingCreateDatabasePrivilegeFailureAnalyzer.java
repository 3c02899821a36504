package io.codebase.registry.provisioning;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A provisioning login without CREATEDB: what it means and the two ways out, without a stack trace. */
class MissingCreateDatabasePrivilegeFailureAnalyzer
		extends AbstractFailureAnalyzer<MissingCreateDatabasePrivilegeException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingCreateDatabasePrivilegeException cause) {
		String settings = cause.separateServer()
				? "registry.provisioning.username and registry.provisioning.password (REGISTRY_PROVISIONING_USERNAME, "
						+ "REGISTRY_PROVISIONING_PASSWORD)"
				: "spring.datasource.username and spring.datasource.password (SPRING_DATASOURCE_USERNAME, "
						+ "SPRING_DATASOURCE_PASSWORD), or give project databases a login of their own with "
						+ "registry.provisioning.url, username and password";
		String privileges = String.join(" and ", cause.missing());
		return new FailureAnalysis("The PostgreSQL role '" + cause.role() + "' that creates project databases on "
				+ cause.server() + " lacks the " + privileges + ((cause.missing().size() == 1) ? " privilege" : " privileges")
				+ ": no project could be created (CREATEDB for their databases, CREATEROLE for their owner and access "
				+ "roles).",
				"Grant it as a superuser (ALTER ROLE \"" + cause.role() + "\" " + String.join(" ", cause.missing())
						+ ";), or use a login that has it: " + settings + ".",
				cause);
	}

}
