package io.codebase.registry.support;

import java.util.List;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points every Spring test context at {@link TestDatabase}, with {@link TestWorkspace} as the only allowed root
 * for working directories and no scheduled reconciliation. Registered in META-INF/spring.factories, so it applies
 * whatever a test class is annotated with ({@link ApiTest}, {@code @SpringBootTest}, {@code @DataJpaTest}, slices);
 * {@link ApiTest} and {@code package-info} say so where readers of tests look.
 */
class TestDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return new TestDatabaseCustomizer();
	}

	/** A record, so that contexts sharing the database are cached and reused as usual. */
	record TestDatabaseCustomizer() implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			TestPropertyValues.of(TestDatabase.get().properties().entrySet().stream()
				.map(entry -> entry.getKey() + "=" + entry.getValue()))
				.and("registry.sessions.allowed-roots=" + TestWorkspace.ROOT)
				// Cached contexts outlive their test class: a scheduled reconciler would repair the drift other
				// test classes create on purpose. Tests of the reconciler run it themselves.
				.and("registry.reconciliation.enabled=false")
				.applyTo(context);
		}

	}

}
