package io.codebase.registry.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;

/**
 * A test of the whole service over real HTTP: the application on a random port, and {@link RegistryClient} and
 * {@link Projects} parameters (constructor, test or lifecycle methods) through {@link RegistryApi}.
 * <p>
 * <b>Where PostgreSQL comes from.</b> Every Spring test context in this project, this one included, is pointed
 * at {@link TestDatabase} (embedded PostgreSQL 17, or {@code REGISTRY_TEST_JDBC_URL}) by
 * {@link TestDatabaseContextCustomizerFactory}, which {@code src/test/resources/META-INF/spring.factories}
 * registers; it also confines working directories to {@link TestWorkspace} and turns scheduled reconciliation
 * off. It stays a factory rather than an {@code @Import} here because test classes that start the application
 * with a plain {@code @SpringBootTest}, {@code @DataJpaTest} or by hand need the same database, and because an
 * extra import would give these classes a context of their own instead of sharing the cached one.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(RegistryApi.class)
public @interface ApiTest {

	/** Properties for this test's application, as {@link SpringBootTest#properties()} (a context of its own). */
	@AliasFor(annotation = SpringBootTest.class)
	String[] properties() default {};

}
