package io.codebase.registry.project;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON Merge Patch (RFC 7396) over documents decoded as maps: {@code null} removes, objects merge, the rest replaces. */
final class MergePatch {

	private MergePatch() {
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> apply(Map<String, Object> target, Map<String, Object> patch) {
		Map<String, Object> result = new LinkedHashMap<>(target);
		patch.forEach((name, value) -> {
			if (value == null) {
				result.remove(name);
			}
			else if (value instanceof Map<?, ?> patchObject) {
				Object existing = result.get(name);
				Map<String, Object> base = (existing instanceof Map<?, ?> existingObject)
						? (Map<String, Object>) existingObject : Map.of();
				result.put(name, apply(base, (Map<String, Object>) patchObject));
			}
			else {
				result.put(name, value);
			}
		});
		return result;
	}

}
