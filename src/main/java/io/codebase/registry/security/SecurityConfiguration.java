package io.codebase.registry.security;

import java.util.stream.Collectors;

import io.codebase.registry.web.RootDocument;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Who may do what. Reading (GET, HEAD, OPTIONS) needs the reader role; everything else the admin role, except
 * resolutions, which a reader may ask for but which refuse to create anything for a reader (403). Health
 * probes, the OpenAPI document and Swagger UI are open; the other Actuator endpoints (metrics, Prometheus) need
 * the reader role, on whichever port they are served.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	static final String RESOLUTIONS_PATH = "/api/v1/resolutions";

	/** Issuing a credential: open to readers, who get READ_ONLY ones. */
	static final String CREDENTIALS_PATH = "/api/v1/projects/*/credentials";

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties, Environment environment,
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
		ApiKeys keys = ApiKeys.of(properties.keys());
		announce(keys, properties, environment);
		SecurityProblems problems = new SecurityProblems(resolver);
		return http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.addFilterBefore(new ApiKeyFilter(keys, problems), AnonymousAuthenticationFilter.class)
			.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.authorizeHttpRequests(requests -> requests
				// Error pages and the async half of streamed exports belong to a request that was already allowed.
				.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
				.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll()
				.requestMatchers(HttpMethod.HEAD, "/actuator/health", "/actuator/health/**").permitAll()
				.requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
						"/swagger-ui.html", "/swagger-ui/**").permitAll()
				.requestMatchers(HttpMethod.GET, RootDocument.PATHS.toArray(String[]::new)).permitAll()
				.requestMatchers(HttpMethod.POST, RESOLUTIONS_PATH).hasAuthority(Role.READER_AUTHORITY)
				// A reader's credential is READ_ONLY: issuing one lets it read what GET already lets it read.
				.requestMatchers(HttpMethod.POST, CREDENTIALS_PATH).hasAuthority(Role.READER_AUTHORITY)
				.requestMatchers(HttpMethod.GET).hasAuthority(Role.READER_AUTHORITY)
				.requestMatchers(HttpMethod.HEAD).hasAuthority(Role.READER_AUTHORITY)
				.requestMatchers(HttpMethod.OPTIONS).hasAuthority(Role.READER_AUTHORITY)
				.anyRequest().hasAuthority(Role.ADMIN_AUTHORITY))
			.build();
	}

	/** Says at start-up how callers are let in (never the keys). */
	private static void announce(ApiKeys keys, SecurityProperties properties, Environment environment) {
		String address = environment.getProperty("server.address", "all interfaces");
		if (!keys.isEmpty()) {
			log.info("API keys required: {} key(s) configured ({}); listening on {}", keys.size(),
					properties.keys().stream().map(key -> key.name() + "=" + key.role().name().toLowerCase())
						.collect(Collectors.joining(", ")), address);
			if (properties.allowAnonymous()) {
				log.warn("registry.security.allow-anonymous=true has no effect while API keys are configured");
			}
		}
		else if (properties.allowAnonymous()) {
			log.warn("No API keys configured and registry.security.allow-anonymous=true: every caller is an admin "
					+ "(may create and drop databases); listening on {}", address);
		}
		else {
			log.info("No API keys configured (registry.security.keys): every caller is an admin, so the service "
					+ "listens on {} only", address);
		}
	}

}
