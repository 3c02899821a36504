package io.codebase.registry.session;

import java.util.List;

/** A page of the sessions that have a project active; {@code next} is the cursor of the next page, null on the last. */
public record ActiveSessions(List<SessionView> sessions, String next) {
}
