package dev.apiguard.resourceserver.spring;

import dev.apiguard.resourceserver.AccessToken;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A validated API Guard access token as a Spring Security {@code Authentication}; authorities {@code SCOPE_<scope>}. */
public final class ApiGuardAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final transient AccessToken token;

    public ApiGuardAuthentication(AccessToken token) {
        super(token.scopes().stream()
                .map(s -> new SimpleGrantedAuthority("SCOPE_" + s))
                .collect(Collectors.toList()));
        this.token = token;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        // The token text is not kept: nothing downstream needs it and it must not end up in logs.
        return "";
    }

    @Override
    public AccessToken getPrincipal() {
        return token;
    }

    @Override
    public String getName() {
        return token.subject();
    }
}
