/**
 * Spring Security adapter (Spring Security 6, provided by the application):
 * {@code http.with(ApiGuardConfigurer.apiGuard(guard), Customizer.withDefaults())} protects a
 * {@code SecurityFilterChain}; controllers receive the token as an {@link
 * dev.apiguard.resourceserver.spring.ApiGuardAuthentication} with {@code SCOPE_} authorities.
 */
package dev.apiguard.resourceserver.spring;
