package dev.apiguard.resourceserver.servlet;

import dev.apiguard.resourceserver.AccessToken;
import dev.apiguard.resourceserver.RequestGuard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet filter that protects every request it sees: it answers {@code GET} on the RFC 9728 metadata path
 * itself, refuses what {@link RequestGuard} refuses (status, {@code WWW-Authenticate}, a JSON error body),
 * and passes the rest on with the {@link AccessToken} as request attribute {@link #TOKEN_ATTRIBUTE}.
 */
public final class AccessTokenFilter implements Filter {

    /** The request attribute holding the validated {@link AccessToken}. */
    public static final String TOKEN_ATTRIBUTE = AccessToken.class.getName();

    private final RequestGuard guard;

    public AccessTokenFilter(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
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
        request.setAttribute(TOKEN_ATTRIBUTE, outcome.token());
        chain.doFilter(request, response);
    }
}
