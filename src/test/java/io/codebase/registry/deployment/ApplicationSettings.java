package io.codebase.registry.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * What the deployment artefacts must agree with, read from the application itself rather than restated: the
 * properties of {@code src/main/resources/application.yaml} (loaded by Spring Boot's own YAML loader) and the
 * property names of the application's {@code @ConfigurationProperties} records.
 */
final class ApplicationSettings {

	/** Spring Boot's paths for the health groups when {@code management.endpoint.health.probes.enabled=true}. */
	static final String LIVENESS_PATH = "/actuator/health/liveness";

	static final String READINESS_PATH = "/actuator/health/readiness";

	static final String PROMETHEUS_PATH = "/actuator/prometheus";

	/** Spring properties that the artefacts set besides the application's own {@code registry.*} records. */
	/** Spring Boot's own properties that the artefacts set (the chart's shutdown, management port and Flyway Job). */
	private static final List<String> SPRING_PROPERTIES = List.of("spring.datasource.url", "spring.datasource.username",
			"spring.datasource.password", "spring.lifecycle.timeout-per-shutdown-phase", "spring.flyway.enabled",
			"management.server.port");

	static final Path APPLICATION_YAML = Path.of("src/main/resources/application.yaml");

	private static PropertySource<?> applicationYaml;

	private static Set<String> knownProperties;

	private ApplicationSettings() {
	}

	/** A property of application.yaml as Spring Boot reads it, or {@code null}. */
	static Object property(String name) {
		return applicationYaml().getProperty(name);
	}

	static int serverPort() {
		return Integer.parseInt(String.valueOf(property("server.port")));
	}

	/** Items of a comma-separated list property, trimmed. */
	static List<String> listProperty(String name) {
		Object value = property(name);
		if (value == null) {
			return List.of();
		}
		return List.of(String.valueOf(value).split("\\s*,\\s*"));
	}

	/**
	 * Every property the artefacts may set through the environment: the canonical name of each component of the
	 * application's {@code @ConfigurationProperties} records, and the datasource properties.
	 */
	static synchronized Set<String> knownProperties() {
		if (knownProperties == null) {
			Set<String> names = new TreeSet<>(SPRING_PROPERTIES);
			var scanner = new ClassPathScanningCandidateComponentProvider(false);
			scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
			for (BeanDefinition candidate : scanner.findCandidateComponents("io.codebase.registry")) {
				Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), null);
				String prefix = type.getAnnotation(ConfigurationProperties.class).value();
				RecordComponent[] components = type.getRecordComponents();
				if (components == null) {
					throw new IllegalStateException(type + " is not a record: list its properties here by hand");
				}
				for (RecordComponent component : components) {
					names.add(prefix + "." + kebabCase(component.getName()));
				}
			}
			knownProperties = names;
		}
		return knownProperties;
	}

	/**
	 * The known property that an environment variable of this name sets through Spring Boot's relaxed binding, or
	 * {@code null} when it sets none of them (a typo, or a setting the application does not have). A variable
	 * that sets part of a list or map property ({@code REGISTRY_SECURITY_KEYS_0_NAME}) names that property.
	 */
	static String propertyBoundBy(String environmentVariable) {
		// Named like the real one: only then are REGISTRY_X_0_Y variables mapped to list elements (registry.x[0].y).
		ConfigurationPropertySource source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(environmentVariable, "x")));
		for (String property : knownProperties()) {
			ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
			if (source.getConfigurationProperty(name) != null
					|| source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
				return property;
			}
		}
		return null;
	}

	private static String kebabCase(String camelCase) {
		return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
	}

	private static synchronized PropertySource<?> applicationYaml() {
		if (applicationYaml == null) {
			try {
				List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("application.yaml",
						new FileSystemResource(APPLICATION_YAML));
				if (sources.size() != 1) {
					throw new IllegalStateException("expected one YAML document in " + APPLICATION_YAML);
				}
				applicationYaml = sources.get(0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return applicationYaml;
	}

}
