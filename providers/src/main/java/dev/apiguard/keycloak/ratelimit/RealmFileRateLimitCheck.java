package dev.apiguard.keycloak.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * The pre-import check of a realm file's rate-limit document (realm attribute
 * {@value RateLimitStore#ATTRIBUTE}): the same checks as the admin API's {@code PUT}, against the
 * clients the file declares. Keycloak would import a broken document without a word, and the realm
 * would then answer 503 on every limited endpoint.
 */
public final class RealmFileRateLimitCheck {

    private RealmFileRateLimitCheck() {}

    /** Every problem of the file's document, each prefixed with the attribute's name; none without one. */
    public static List<String> problems(RealmRepresentation realm) {
        Map<String, String> attributes = realm.getAttributes();
        String source = attributes == null ? null : attributes.get(RateLimitStore.ATTRIBUTE);
        if (source == null) {
            return List.of();
        }
        RateLimitStore.State state = RateLimitStore.compile(source);
        List<String> problems = new ArrayList<>(state.errors());
        Map<String, String> tiers = new LinkedHashMap<>();
        if (realm.getClients() != null) {
            for (ClientRepresentation client : realm.getClients()) {
                String tier = client.getAttributes() == null
                        ? null
                        : client.getAttributes().get(RateLimitStore.TIER_ATTRIBUTE);
                if (tier != null) {
                    tiers.put(client.getClientId(), tier);
                }
            }
        }
        problems.addAll(RateLimitStore.undefinedTiers(state, tiers));
        return problems.stream()
                .map(problem -> "attribute " + RateLimitStore.ATTRIBUTE + ": " + problem)
                .toList();
    }
}
