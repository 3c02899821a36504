package io.codebase.registry.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Access control of the API.
 *
 * @param keys the API keys, each with a {@code name} (shown in logs and audit events instead of the key), a
 * {@code role} ({@code reader} or {@code admin}) and the {@code key} itself (16 or more characters) or its digest
 * {@code sha256:<64 hex digits>}. From the environment: {@code REGISTRY_SECURITY_KEYS_0_NAME},
 * {@code REGISTRY_SECURITY_KEYS_0_ROLE}, {@code REGISTRY_SECURITY_KEYS_0_KEY}, then {@code _1_}... None means
 * anonymous access, which is only served on a loopback address unless {@code allow-anonymous} is set
 * @param allowAnonymous serve anonymous callers (as admins) on a non-loopback address when no key is configured;
 * for a trusted network only. Has no effect when keys are configured: then every API call needs a key
 */
@ConfigurationProperties("registry.security")
public record SecurityProperties(@DefaultValue List<Key> keys, @DefaultValue("false") boolean allowAnonymous) {

	/**
	 * One API key.
	 *
	 * @param name who holds the key; shown in audit events and logs instead of the key
	 * @param role {@code reader} or {@code admin}
	 * @param key the key itself (at least 16 characters), or its SHA-256 digest as {@code sha256:<64 hex digits>}
	 */
	public record Key(String name, Role role, String key) {

		@Override
		public String toString() {
			return "Key[name=" + this.name + ", role=" + this.role + "]";
		}

	}

	public boolean hasKeys() {
		return !this.keys.isEmpty();
	}

}
