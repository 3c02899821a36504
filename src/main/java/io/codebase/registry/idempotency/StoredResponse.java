package io.codebase.registry.idempotency;

import java.util.List;
import java.util.Map;

/** The first outcome of a key, as replayed: status, the headers worth replaying, and the body. */
record StoredResponse(int status, Map<String, List<String>> headers, byte[] body) {
}
