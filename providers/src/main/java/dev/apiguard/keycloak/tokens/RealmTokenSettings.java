package dev.apiguard.keycloak.tokens;

import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/** The realm's access-token ceiling, read from the realm attribute with API Guard's default. */
final class RealmTokenSettings {

    private static final Logger LOG = Logger.getLogger(RealmTokenSettings.class);

    private RealmTokenSettings() {}

    static int realmCeiling(RealmModel realm) {
        String raw = realm.getAttribute(LifetimeCeilings.REALM_CEILING_ATTRIBUTE);
        try {
            return LifetimeCeilings.parseSeconds(raw, LifetimeCeilings.DEFAULT_REALM_CEILING);
        } catch (IllegalArgumentException e) {
            LOG.errorf(
                    "Realm '%s' has an invalid %s (%s): applying the default of %d s",
                    realm.getName(),
                    LifetimeCeilings.REALM_CEILING_ATTRIBUTE,
                    e.getMessage(),
                    LifetimeCeilings.DEFAULT_REALM_CEILING);
            return LifetimeCeilings.DEFAULT_REALM_CEILING;
        }
    }
}
