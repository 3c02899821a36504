package io.codebase.registry.security;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.stereotype.Component;

/**
 * Audit trail of the operations that create or destroy data: one structured event per operation on the logger
 * {@value #LOGGER}, naming the caller's API key ({@link Caller#name()}, never the key). Each field is both a
 * key-value pair of the event (for structured logging, {@code logging.structured.format.console}) and part of
 * the message, as {@code key=value}, for plain logs.
 * <p>
 * Actions in use: {@code project.create}, {@code project.delete}, {@code project.provisioning-retry}; the
 * reconciler records {@code reconciliation.repair}, schema rollouts {@code schema.rollout}.
 */
@Component
public class Audit {

	public static final String LOGGER = "registry.audit";

	private static final Logger log = LoggerFactory.getLogger(LOGGER);

	/** Records an action of the current caller ({@link Caller#current()}) with its details, in order. */
	public void record(String action, Map<String, ?> details) {
		record(Caller.current(), action, details);
	}

	/** Records an action of a given caller, e.g. {@link Caller#SYSTEM} for the service's own repairs. */
	public void record(Caller caller, String action, Map<String, ?> details) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("action", action);
		fields.put("caller", caller.name());
		fields.put("role", caller.role().name().toLowerCase());
		fields.putAll(details);
		StringBuilder message = new StringBuilder("audit");
		LoggingEventBuilder event = log.atInfo();
		fields.forEach((key, value) -> {
			event.addKeyValue(key, value);
			message.append(' ').append(key).append('=').append(quoted(value));
		});
		event.setMessage(message.toString()).log();
	}

	/** Values with spaces or quotes are quoted, so that a name cannot forge another field. */
	private static String quoted(Object value) {
		String text = String.valueOf(value);
		if (text.isEmpty() || text.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || Character.isISOControl(c))) {
			StringBuilder quoted = new StringBuilder("\"");
			text.chars().forEach(c -> {
				if (c == '"' || c == '\\') {
					quoted.append('\\').append((char) c);
				}
				else if (Character.isISOControl(c)) {
					quoted.append(String.format("\\u%04x", c));
				}
				else {
					quoted.append((char) c);
				}
			});
			return quoted.append('"').toString();
		}
		return text;
	}

}
