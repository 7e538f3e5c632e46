package dev.apiguard.keycloak.abac;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentExportRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.util.JsonSerialization;

/**
 * The pre-import check of a realm file's scope-policy document (realm attribute
 * {@value PolicyStore#ATTRIBUTE}): the same checks as the admin API's {@code PUT}, against the
 * user profile the file itself declares. Keycloak would import a broken document without a word,
 * and the realm would then fail closed at every governed request.
 */
public final class RealmFilePolicyCheck {

    private static final String USER_PROFILE_PROVIDER = "org.keycloak.userprofile.UserProfileProvider";
    private static final String USER_PROFILE_CONFIG = "kc.user.profile.config";

    private RealmFilePolicyCheck() {}

    /** Every problem of the file's policy document, each prefixed with the attribute's name; none without one. */
    public static List<String> problems(RealmRepresentation realm) {
        Map<String, String> attributes = realm.getAttributes();
        String source = attributes == null ? null : attributes.get(PolicyStore.ATTRIBUTE);
        if (source == null) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        PolicyStore.State state = PolicyStore.compile(source);
        if (state.policies() == null) {
            state.errors().forEach(error -> problems.add("attribute " + PolicyStore.ATTRIBUTE + ": " + error));
            return problems;
        }
        UPConfig profile;
        try {
            profile = userProfile(realm);
        } catch (IOException e) {
            return List.of("attribute " + PolicyStore.ATTRIBUTE + ": the realm's user profile (" + USER_PROFILE_CONFIG
                    + ") cannot be read to check the attributes policies read: " + e.getMessage());
        }
        AttributeTrust.untrusted(profile, PolicyCompiler.userAttributesRead(state.policies()))
                .forEach(error -> problems.add("attribute " + PolicyStore.ATTRIBUTE + ": " + error));
        return problems;
    }

    /** The user profile the file declares; without one, Keycloak's default (unmanaged attributes off) applies. */
    private static UPConfig userProfile(RealmRepresentation realm) throws IOException {
        MultivaluedHashMap<String, ComponentExportRepresentation> components = realm.getComponents();
        List<ComponentExportRepresentation> providers =
                components == null ? null : components.get(USER_PROFILE_PROVIDER);
        if (providers != null) {
            for (ComponentExportRepresentation provider : providers) {
                String config = provider.getConfig() == null
                        ? null
                        : provider.getConfig().getFirst(USER_PROFILE_CONFIG);
                if (config != null) {
                    return JsonSerialization.readValue(config, UPConfig.class);
                }
            }
        }
        return new UPConfig();
    }
}
