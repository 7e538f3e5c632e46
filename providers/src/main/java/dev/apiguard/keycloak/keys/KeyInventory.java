package dev.apiguard.keycloak.keys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.component.ComponentModel;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.keys.KeyProvider;
import org.keycloak.keys.KeyProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Reads a realm's key provider components into rotated {@link KeyFamily families} and the keys
 * API Guard leaves alone. The lifecycle record of a rotated key lives in its own component config
 * under {@code apiguard.key*}: in the database, with the key, deleted with it.
 */
final class KeyInventory {

    static final String STATE = "apiguard.keyState";
    static final String CREATED = "apiguard.keyCreated";
    static final String ACTIVATED = "apiguard.keyActivated";
    static final String RETIRED = "apiguard.keyRetired";

    /** A key API Guard does not rotate, and why. */
    record Unmanaged(String componentId, String kid, String providerId, String algorithm, String reason) {}

    /** One key and its family. */
    record Located(KeyFamily family, KeyRecord key) {}

    private final Map<String, KeyFamily> families;
    private final List<Unmanaged> unmanaged;

    private KeyInventory(Map<String, KeyFamily> families, List<Unmanaged> unmanaged) {
        this.families = families;
        this.unmanaged = unmanaged;
    }

    static KeyInventory read(KeycloakSession session, RealmModel realm) {
        Map<String, List<KeyRecord>> byFamily = new LinkedHashMap<>();
        Map<String, String[]> familyInfo = new LinkedHashMap<>();
        List<Unmanaged> unmanaged = new ArrayList<>();
        realm.getComponentsStream(realm.getId(), KeyProvider.class.getName()).forEach(component -> {
            Optional<KeyWrapper> key = keyOf(session, component);
            String kid = key.map(KeyWrapper::getKid).orElse(null);
            String algorithm = key.map(KeyWrapper::getAlgorithmOrDefault).orElse(null);
            if (!KeyFamily.ROTATED_PROVIDERS.contains(component.getProviderId())) {
                unmanaged.add(new Unmanaged(
                        component.getId(),
                        kid,
                        component.getProviderId(),
                        algorithm,
                        "provider " + component.getProviderId()
                                + " is not one of Keycloak's generated providers that API Guard rotates"));
                return;
            }
            if (!component.get("enabled", true)) {
                unmanaged.add(new Unmanaged(
                        component.getId(), kid, component.getProviderId(), algorithm, "disabled in Keycloak"));
                return;
            }
            if (key.isEmpty() || kid == null || algorithm == null) {
                unmanaged.add(new Unmanaged(
                        component.getId(),
                        kid,
                        component.getProviderId(),
                        algorithm,
                        "the provider offers no usable key"));
                return;
            }
            String familyId = KeyFamily.idOf(component.getProviderId(), algorithm);
            familyInfo.putIfAbsent(familyId, new String[] {component.getProviderId(), algorithm});
            byFamily.computeIfAbsent(familyId, id -> new ArrayList<>()).add(recordOf(component, kid));
        });
        Map<String, KeyFamily> families = new LinkedHashMap<>();
        byFamily.forEach((id, keys) -> {
            String[] info = familyInfo.get(id);
            families.put(id, new KeyFamily(id, info[0], info[1], KeyFamily.kindOf(info[0]), keys));
        });
        return new KeyInventory(families, unmanaged);
    }

    List<KeyFamily> families() {
        return List.copyOf(families.values());
    }

    List<Unmanaged> unmanaged() {
        return List.copyOf(unmanaged);
    }

    Optional<Located> findByKid(String kid) {
        for (KeyFamily family : families.values()) {
            for (KeyRecord key : family.keys()) {
                if (key.kid().equals(kid)) {
                    return Optional.of(new Located(family, key));
                }
            }
        }
        return Optional.empty();
    }

    static Optional<KeyWrapper> keyOf(KeycloakSession session, ComponentModel component) {
        if (!(session.getKeycloakSessionFactory().getProviderFactory(KeyProvider.class, component.getProviderId())
                instanceof KeyProviderFactory<?> factory)) {
            return Optional.empty();
        }
        KeyProvider provider = factory.create(session, component);
        try {
            return provider.getKeysStream().findFirst();
        } finally {
            provider.close();
        }
    }

    private static KeyRecord recordOf(ComponentModel component, String kid) {
        return new KeyRecord(
                component.getId(),
                kid,
                component.get("active", true),
                component.get("priority", 0L),
                KeyState.fromLabel(component.get(STATE)),
                component.get(CREATED, 0L),
                component.get(ACTIVATED, 0L),
                component.get(RETIRED, 0L));
    }
}
