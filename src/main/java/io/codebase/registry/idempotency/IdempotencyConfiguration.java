package io.codebase.registry.idempotency;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;

/** Puts the {@link IdempotencyFilter} right after Spring Security's filter chain, on first dispatches only. */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

	@Bean
	IdempotencyFilter idempotencyFilter(IdempotencyStore store, IdempotencyProperties properties,
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver, MeterRegistry meters) {
		return new IdempotencyFilter(store, properties, resolver, meters);
	}

	/** After authentication and authorization: the caller is known, and refused callers never claim a key. */
	@Bean
	FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(IdempotencyFilter filter,
			SecurityFilterProperties security) {
		FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(security.getOrder() + 1);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.addUrlPatterns("/api/*");
		return registration;
	}

}
