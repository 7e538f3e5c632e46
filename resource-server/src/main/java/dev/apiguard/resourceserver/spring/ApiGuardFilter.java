package dev.apiguard.resourceserver.spring;

import dev.apiguard.resourceserver.RequestGuard;
import dev.apiguard.resourceserver.servlet.ServletSupport;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/** The Spring Security filter {@link ApiGuardConfigurer} installs: the servlet adapter's logic plus the security context. */
final class ApiGuardFilter extends OncePerRequestFilter {

    private final RequestGuard guard;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    ApiGuardFilter(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if ("GET".equals(request.getMethod()) && path.equals(guard.server().metadataPath())) {
            ServletSupport.write(response, 200, guard.server().metadataJson());
            return;
        }
        RequestGuard.Outcome outcome = guard.check(ServletSupport.view(request), path);
        if (!outcome.allowed()) {
            outcome.challenges().forEach(c -> response.addHeader("WWW-Authenticate", c));
            ServletSupport.write(response, outcome.rejection().status(), RequestGuard.errorBody(outcome.rejection()));
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new ApiGuardAuthentication(outcome.token()));
        contexts.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            contexts.clearContext();
        }
    }
}
