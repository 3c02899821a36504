package io.codebase.registry.provisioning;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The template database the registry keeps on every server, per version of the project schema, so that a new
 * project database is a copy of an already-migrated one ({@code CREATE DATABASE ... TEMPLATE}) instead of an empty
 * database migrated by Flyway. Used only when the project schema is on and {@code registry.provisioning.template}
 * is empty (an operator's template takes precedence).
 *
 * @param enabled keep a template per schema version on every server and create project databases from it; a create
 * that cannot use it (still being built, broken, in use) takes the normal path and is counted in
 * {@code registry.provisioning.template.fallbacks}
 * @param retryAfter how long a replica waits before it tries again to build or find a server's template after an
 * attempt that did not end with a usable one
 */
@ConfigurationProperties("registry.provisioning.managed-template")
public record ManagedTemplateProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("30s") Duration retryAfter) {

	public ManagedTemplateProperties {
		if (retryAfter.isNegative()) {
			throw new IllegalArgumentException("registry.provisioning.managed-template.retry-after must not be negative");
		}
	}

}
