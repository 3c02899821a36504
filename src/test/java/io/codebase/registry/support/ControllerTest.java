package io.codebase.registry.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.codebase.registry.web.WebProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;

/**
 * The HTTP mapping of controllers alone, in a {@code @WebMvcTest} slice with {@code MockMvc}: routes, status
 * codes, headers, bodies and the error mapping, with the services mocked (no database, no server). Brings the
 * application's JSON settings (its {@link JsonMapperBuilderCustomizer}s) and {@link WebProperties}, which the
 * error handling binds. Every answer of its {@code MockMvc} is checked against {@code openapi.yaml}
 * ({@link OpenApiContract}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@WebMvcTest(includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE,
		classes = JsonMapperBuilderCustomizer.class))
@Import(ControllerTest.WebLayer.class)
public @interface ControllerTest {

	/** The controllers under test. */
	@AliasFor(annotation = WebMvcTest.class, attribute = "controllers")
	Class<?>[] value();

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties(WebProperties.class)
	class WebLayer {

		@Bean
		MockMvcBuilderCustomizer answersKeepTheContract() {
			return builder -> builder.alwaysExpect(OpenApiContract.registry().matcher());
		}

	}

}
