package io.codebase.registry.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the HTTP layer.
 *
 * @param maxRequestBody largest request body accepted; larger ones get 413 before they are parsed
 * @param maxImportBody largest body of {@code POST /api/v1/imports} (a whole registry), used there instead of
 * {@code max-request-body}; the file is held in memory while it is imported
 */
@ConfigurationProperties("registry.web")
public record WebProperties(@DefaultValue("256KB") DataSize maxRequestBody, @DefaultValue("16MB") DataSize maxImportBody) {

	/** The import endpoint, the one place a large body is expected. */
	static final String IMPORTS_PATH = "/api/v1/imports";

}
