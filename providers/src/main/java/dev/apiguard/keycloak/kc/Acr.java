package dev.apiguard.keycloak.kc;

import java.util.Map;
import org.keycloak.models.ClientModel;
import org.keycloak.protocol.oidc.utils.AcrUtils;

/** Keycloak's acr-to-level-of-authentication map of a client (the client's own, else the realm's). */
public final class Acr {

    private Acr() {}

    public static Map<String, Integer> levels(ClientModel client) {
        return AcrUtils.getAcrLoaMap(client);
    }
}
