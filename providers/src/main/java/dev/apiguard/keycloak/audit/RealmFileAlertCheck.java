package dev.apiguard.keycloak.audit;

import java.util.List;
import java.util.Map;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * The pre-import check of a realm file's alert document (realm attribute
 * {@value AlertPolicy#ATTRIBUTE}): the same checks as the admin API's {@code PUT}. Keycloak would
 * import a broken document without a word, and the realm would then run on the defaults.
 */
public final class RealmFileAlertCheck {

    private RealmFileAlertCheck() {}

    /** Every problem of the file's document, each prefixed with the attribute's name; none without one. */
    public static List<String> problems(RealmRepresentation realm) {
        Map<String, String> attributes = realm.getAttributes();
        String source = attributes == null ? null : attributes.get(AlertPolicy.ATTRIBUTE);
        if (source == null) {
            return List.of();
        }
        try {
            AlertPolicy.parse(source);
            return List.of();
        } catch (AlertPolicy.Invalid e) {
            return e.problems().stream()
                    .map(problem -> "attribute " + AlertPolicy.ATTRIBUTE + ": " + problem)
                    .toList();
        }
    }
}
