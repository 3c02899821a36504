/**
 * Shared test support.
 * <ul>
 * <li>{@link io.codebase.registry.support.ApiTest}: full-application tests over HTTP, with a
 * {@link io.codebase.registry.support.RegistryClient} (typed responses), {@link io.codebase.registry.support.Json}
 * request builders and the {@link io.codebase.registry.support.Projects} fixture
 * ({@code Projects.uniqueName("prefix")} for names no other test uses).</li>
 * <li>{@link io.codebase.registry.support.ControllerTest}: one controller in a {@code @WebMvcTest} slice.</li>
 * <li>{@link io.codebase.registry.support.TestDatabase}: the one PostgreSQL of a test run.
 * <b>Every</b> Spring test context (full application, {@code @DataJpaTest}, slices) is pointed at it by
 * {@code TestDatabaseContextCustomizerFactory}, registered in {@code src/test/resources/META-INF/spring.factories}
 * so that it applies to test classes whatever annotation they start from: nothing on a test class names it.</li>
 * <li>{@link io.codebase.registry.support.TestWorkspace}: the only allowed root of working directories.</li>
 * <li>{@link io.codebase.registry.support.Http} and {@link io.codebase.registry.support.Problems}: the plain client
 * and the RFC 9457 assertions; {@code RegistryClient} is built on {@code Http}.</li>
 * <li>{@link io.codebase.registry.support.OpenApiContract}: {@code openapi.yaml} as a check of every answer that
 * {@code Http}, {@code Problems} and a {@code ControllerTest}'s {@code MockMvc} see.</li>
 * </ul>
 */
package io.codebase.registry.support;
