package io.codebase.registry.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the HTTP layer.
 *
 * @param maxRequestBody largest request body accepted; larger ones get 413 before they are parsed
 */
@ConfigurationProperties("registry.web")
public record WebProperties(@DefaultValue("256KB") DataSize maxRequestBody) {
}
