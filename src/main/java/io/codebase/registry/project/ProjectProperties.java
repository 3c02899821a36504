package io.codebase.registry.project;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the projects API.
 *
 * @param maxMetadataBytes largest {@code metadata} document, as UTF-8 JSON
 * @param maxMetadataDepth deepest nesting of objects and arrays inside {@code metadata}
 * @param defaultPageSize list page size when the caller gives none; keep it at or below {@code max-page-size}
 * @param maxPageSize largest list page ({@code size}) a caller may ask for
 * @param provisioningWait how long a get-or-create waits for another caller's provisioning of the same project
 * before it answers 503 {@code project-provisioning}
 * @param stuckAfter a project {@code PROVISIONING} or {@code DELETING} for longer than this is reported as stuck
 * even though a live owner holds it (an owner alive but hung); abandoned work (no owner) is recognised at once, by
 * ownership
 * @param maxConcurrentProvisioning projects whose database this replica creates or drops at once (connections
 * of the ownership pool, separate from the main pool); more wait, up to {@code provisioning-wait}
 */
@ConfigurationProperties("registry.projects")
public record ProjectProperties(
		@DefaultValue("65536") int maxMetadataBytes,
		@DefaultValue("16") int maxMetadataDepth,
		@DefaultValue("20") int defaultPageSize,
		@DefaultValue("200") int maxPageSize,
		@DefaultValue("10s") Duration provisioningWait,
		@DefaultValue("2m") Duration stuckAfter,
		@DefaultValue("16") int maxConcurrentProvisioning) {
}
