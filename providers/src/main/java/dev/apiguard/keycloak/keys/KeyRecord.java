package dev.apiguard.keycloak.keys;

/**
 * One enabled key of a rotated family as the schedule sees it: Keycloak's flags and API Guard's
 * recorded lifecycle (kept in the key component's own config, so in the database with the key).
 *
 * @param componentId    the key provider component
 * @param kid            the key id tokens carry
 * @param keycloakActive Keycloak's {@code active} flag: an active key may sign
 * @param priority       Keycloak's {@code priority}: the highest active key signs
 * @param state          the recorded state, {@code null} for a key API Guard has not adopted yet
 * @param created        epoch seconds the key was published, 0 when unknown
 * @param activated      epoch seconds it started signing, 0 when unknown
 * @param retired        epoch seconds it stopped signing, 0 when unknown
 */
record KeyRecord(
        String componentId,
        String kid,
        boolean keycloakActive,
        long priority,
        KeyState state,
        long created,
        long activated,
        long retired) {

    KeyRecord withState(KeyState newState, long at) {
        return switch (newState) {
            case NEXT -> new KeyRecord(componentId, kid, false, priority, KeyState.NEXT, at, 0, 0);
            case ACTIVE -> new KeyRecord(componentId, kid, true, priority, KeyState.ACTIVE, created, at, 0);
            case RETIRED -> new KeyRecord(componentId, kid, false, priority, KeyState.RETIRED, created, activated, at);
            case DELETED, REVOKED ->
                new KeyRecord(componentId, kid, false, priority, newState, created, activated, retired);
        };
    }
}
