package io.codebase.registry.deployment;

import java.util.Map;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.stereotype.Component;

/**
 * Help texts for the meters Spring registers without one (they come from observations), so that every metric of
 * {@code /actuator/prometheus} says what it is: {@code promtool check metrics} reports "no help text" otherwise.
 * The registry's own meters carry their descriptions where they are registered.
 */
@Component
class MeterDescriptions implements MeterFilter {

	private static final Map<String, String> DESCRIPTIONS = Map.of(
			"http.server.requests", "HTTP requests handled, by method, URI template, status and outcome",
			"http.server.requests.active", "HTTP requests being handled now, by method and URI template",
			"tasks.scheduled.execution", "Runs of scheduled tasks (reconciliation, purges, rollout checks), by task and outcome",
			"tasks.scheduled.execution.active", "Scheduled tasks running now, by task");

	@Override
	public Meter.Id map(Meter.Id id) {
		String description = DESCRIPTIONS.get(id.getName());
		if (description == null || id.getDescription() != null) {
			return id;
		}
		return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
	}

}
