package dev.apiguard.keycloak.kc;

import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;

/** Keycloak's themed error page (login theme, {@code LoginFormsProvider}, server-spi-private). */
public final class ErrorPages {

    private ErrorPages() {}

    /**
     * The realm's login-theme error page with {@code message} (a message key of the theme, or a
     * sentence shown as is) and {@code status}.
     */
    public static Response page(KeycloakSession session, Response.Status status, String message) {
        return session.getProvider(LoginFormsProvider.class).setError(message).createErrorPage(status);
    }
}
