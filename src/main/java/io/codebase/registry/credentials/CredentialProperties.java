package io.codebase.registry.credentials;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Short-lived credentials for project databases ({@code POST /api/v1/projects/{project}/credentials}).
 *
 * @param defaultTtl how long a credential is valid when the request names no {@code ttlSeconds}
 * @param maxTtl the longest validity a request may ask for; longer is a 400
 */
@ConfigurationProperties("registry.credentials")
public record CredentialProperties(
		@DefaultValue("1h") Duration defaultTtl,
		@DefaultValue("24h") Duration maxTtl) {

	public CredentialProperties {
		if (maxTtl.toSeconds() < 1) {
			throw new IllegalArgumentException("registry.credentials.max-ttl must be at least 1s");
		}
		if (defaultTtl.toSeconds() < 1 || defaultTtl.compareTo(maxTtl) > 0) {
			throw new IllegalArgumentException("registry.credentials.default-ttl must be between 1s and max-ttl");
		}
	}

}
