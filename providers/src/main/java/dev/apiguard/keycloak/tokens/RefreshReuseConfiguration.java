package dev.apiguard.keycloak.tokens;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import org.keycloak.models.ClientModel;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;

/**
 * Configuration of {@code apiguard-refresh-token-reuse}: {@code clients} is {@code public}
 * (default: public clients, as RFC 9700 4.14 asks; confidential FAPI clients may keep
 * non-rotating refresh tokens) or {@code all}. Validated when a profile is saved.
 */
public final class RefreshReuseConfiguration extends ClientPolicyExecutorConfigurationRepresentation {

    @JsonProperty("clients")
    private String clients;

    public void setClients(String clients) {
        this.clients = clients;
    }

    @JsonIgnore
    boolean appliesTo(ClientModel client) {
        return allClients() || client.isPublicClient();
    }

    @JsonIgnore
    boolean allClients() {
        if (clients == null || clients.isBlank()) {
            return false;
        }
        return switch (clients.trim().toLowerCase(Locale.ROOT)) {
            case "all" -> true;
            case "public" -> false;
            default -> true; // fail closed: an unknown value detects reuse for every client
        };
    }

    @Override
    public boolean validateConfig() {
        boolean known = clients == null
                || clients.isBlank()
                || "all".equalsIgnoreCase(clients.trim())
                || "public".equalsIgnoreCase(clients.trim());
        return known && getConfigAsMap().isEmpty();
    }
}
