package dev.apiguard.keycloak.common;

import java.util.List;
import org.keycloak.OAuthErrorException;
import org.keycloak.services.clientpolicy.ClientPolicyException;

/**
 * A client-policy refusal of client metadata ({@code invalid_client_metadata}) whose description
 * names every offending field. Its message is that description too: Keycloak's dynamic client
 * registration answers a refusal with the exception's message (403), the admin REST API with its
 * description (400), and both must name the fields.
 */
public final class ClientMetadataRefusal extends ClientPolicyException {

    private static final long serialVersionUID = 1L;

    public ClientMetadataRefusal(List<String> violations) {
        super(OAuthErrorException.INVALID_CLIENT_METADATA, "Invalid client metadata: " + String.join("; ", violations));
    }

    @Override
    public String getMessage() {
        return getErrorDetail();
    }
}
