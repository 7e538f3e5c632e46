package dev.apiguard.keycloak.abac;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * Only attributes that users cannot change themselves may decide access (OWASP API3). An attribute
 * is user-editable when the realm's user profile declares it with {@code user} among its edit
 * permissions, or does not declare it while unmanaged attributes are enabled for users
 * ({@code unmanagedAttributePolicy: ENABLED}).
 */
public final class AttributeTrust {

    private AttributeTrust() {}

    /** One error per (policy, attribute) that users may edit themselves; empty when all are trusted. */
    public static List<String> untrusted(UPConfig profile, Map<String, Set<String>> readsByPolicy) {
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Set<String>> reads : readsByPolicy.entrySet()) {
            for (String attribute : reads.getValue().stream().sorted().toList()) {
                String why = userEditable(profile, attribute);
                if (why != null) {
                    errors.add("policy \"" + reads.getKey() + "\" reads user attribute '" + attribute
                            + "', which users can edit themselves (" + why
                            + "): only attributes users cannot edit may decide access");
                }
            }
        }
        return errors;
    }

    private static String userEditable(UPConfig profile, String attribute) {
        UPAttribute declared =
                profile == null || profile.getAttributes() == null ? null : profile.getAttribute(attribute);
        if (declared != null) {
            UPAttributePermissions permissions = declared.getPermissions();
            return permissions != null
                            && permissions.getEdit() != null
                            && permissions.getEdit().contains("user")
                    ? "user profile: edit permission includes user"
                    : null;
        }
        if (profile != null && profile.getUnmanagedAttributePolicy() == UPConfig.UnmanagedAttributePolicy.ENABLED) {
            return "not in the user profile, and unmanaged attributes are editable by users";
        }
        return null;
    }
}
