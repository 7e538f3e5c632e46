package dev.apiguard.resourceserver.spring;

import dev.apiguard.resourceserver.RequestGuard;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Protects a Spring Security filter chain with API Guard's validation:
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain api(HttpSecurity http, RequestGuard guard) throws Exception {
 *     return http.with(ApiGuardConfigurer.apiGuard(guard), Customizer.withDefaults()).build();
 * }
 * }</pre>
 *
 * <p>It makes the chain stateless (no session, no CSRF token: a bearer token is not sent automatically by
 * browsers), requires authentication for every request, and installs the filter that authenticates and
 * authorizes each request against the guard's operations before Spring's authorization runs.
 */
public final class ApiGuardConfigurer extends AbstractHttpConfigurer<ApiGuardConfigurer, HttpSecurity> {

    private final RequestGuard guard;

    private ApiGuardConfigurer(RequestGuard guard) {
        this.guard = guard;
    }

    public static ApiGuardConfigurer apiGuard(RequestGuard guard) {
        return new ApiGuardConfigurer(java.util.Objects.requireNonNull(guard, "guard"));
    }

    @Override
    public void init(HttpSecurity http) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated());
    }

    @Override
    public void configure(HttpSecurity http) {
        http.addFilterBefore(new ApiGuardFilter(guard), AuthorizationFilter.class);
    }
}
