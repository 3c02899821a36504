package io.codebase.registry.project;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The in-memory project cache in front of PostgreSQL.
 *
 * @param maximumSize entries kept (a project is held once per key it was looked up by: id, name); {@code 0}
 * disables caching
 * @param expireAfterWrite longest age of an entry; a safety net only, committed writes invalidate entries
 * immediately
 */
@ConfigurationProperties("registry.cache")
record CacheProperties(@DefaultValue("10000") long maximumSize, @DefaultValue("10m") Duration expireAfterWrite) {
}
