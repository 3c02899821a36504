package io.codebase.registry.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Kubernetes manifests rendered by {@code helm template}, parsed with SnakeYAML, with small helpers to walk them.
 */
record Manifests(List<Map<String, Object>> documents) {

	@SuppressWarnings("unchecked")
	static Manifests parse(String multiDocumentYaml) {
		List<Map<String, Object>> documents = new ArrayList<>();
		for (Object document : strictYaml().loadAll(multiDocumentYaml)) {
			if (document != null) {
				documents.add((Map<String, Object>) document);
			}
		}
		return new Manifests(List.copyOf(documents));
	}

	/** A YAML file as maps and lists (values files, rule files). */
	@SuppressWarnings("unchecked")
	static Map<String, Object> readYaml(Path file) {
		try {
			return (Map<String, Object>) strictYaml().load(Files.readString(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A loader that refuses a key repeated in one mapping. SnakeYAML keeps the last one silently by default, and so
	 * does the API server's decoder in places: a template that renders a key twice is a bug, never a choice.
	 */
	static Yaml strictYaml() {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		return new Yaml(new SafeConstructor(options));
	}

	List<String> kinds() {
		return this.documents.stream().map(document -> (String) document.get("kind")).sorted().toList();
	}

	List<Map<String, Object>> ofKind(String kind) {
		return this.documents.stream().filter(document -> kind.equals(document.get("kind"))).toList();
	}

	/** The only resource of this kind; fails when there is none or more than one. */
	Map<String, Object> one(String kind) {
		List<Map<String, Object>> found = ofKind(kind);
		if (found.size() != 1) {
			throw new AssertionError("expected exactly one " + kind + " but found " + found.size() + " in " + kinds());
		}
		return found.get(0);
	}

	/** The resource of this kind and name; fails when there is none. */
	Map<String, Object> one(String kind, String name) {
		return ofKind(kind).stream()
			.filter(document -> name.equals(at(document, "metadata", "name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + kinds()));
	}

	/**
	 * The node at a path of map keys and list indexes, e.g. {@code at(deployment, "spec", "template", "spec",
	 * "containers", 0)}; fails with the path when a step is missing.
	 */
	static Object at(Object node, Object... path) {
		Object current = node;
		for (int i = 0; i < path.length; i++) {
			Object step = path[i];
			if (current instanceof Map<?, ?> map && step instanceof String key && map.containsKey(key)) {
				current = map.get(key);
			}
			else if (current instanceof List<?> list && step instanceof Integer index && index < list.size()) {
				current = list.get(index);
			}
			else {
				throw new AssertionError("no " + step + " at " + List.of(path).subList(0, i) + " in " + node);
			}
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object node, Object... path) {
		Object found = at(node, path);
		if (!(found instanceof Map)) {
			throw new AssertionError("not a map at " + List.of(path) + ": " + found);
		}
		return (Map<String, Object>) found;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> list(Object node, Object... path) {
		Object found = at(node, path);
		if (!(found instanceof List)) {
			throw new AssertionError("not a list at " + List.of(path) + ": " + found);
		}
		return (List<Map<String, Object>>) found;
	}

	/** The scalar at the path as text (YAML numbers and booleans included). */
	static String text(Object node, Object... path) {
		return String.valueOf(at(node, path));
	}

	/** Whether a map key exists at the path (the last step must be a key). */
	static boolean has(Object node, Object... path) {
		try {
			Object parent = at(node, java.util.Arrays.copyOf(path, path.length - 1));
			return parent instanceof Map<?, ?> map && map.containsKey(path[path.length - 1]);
		}
		catch (AssertionError ex) {
			return false;
		}
	}

	/** The list element whose {@code name} equals the given name. */
	static Map<String, Object> named(List<Map<String, Object>> list, String name) {
		return list.stream()
			.filter(item -> Objects.equals(item.get("name"), name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no entry named " + name + " in " + list));
	}

}
