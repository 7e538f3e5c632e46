package dev.apiguard.keycloak.kc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.keycloak.exportimport.ExportAdapter;
import org.keycloak.exportimport.ExportOptions;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.storage.DatastoreProvider;
import org.keycloak.util.JsonSerialization;

/**
 * The realm audit's use of Keycloak internals ({@code keycloak-server-spi-private}:
 * {@link DatastoreProvider}, {@link ExportOptions}, {@link ExportAdapter}). It converts the realm
 * model to the export format with exactly the code of the admin console's partial export
 * ({@code POST /admin/realms/{realm}/partial-export?exportClients=true&exportGroupsAndRoles=true}):
 * clients, groups, roles, service-account users, flows, identity providers and components, with
 * secrets masked ({@code **********}) and undeclared component settings removed. So the live
 * audit equals the offline audit of that export.
 */
public final class RealmExport {

    private RealmExport() {}

    public static RealmRepresentation of(KeycloakSession session, RealmModel realm) {
        ExportOptions options = new ExportOptions(false, true, true, true, true);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        session.getProvider(DatastoreProvider.class)
                .getExportImportManager()
                .exportRealm(realm, options, new ExportAdapter() {
                    @Override
                    public void setType(String mediaType) {
                        // Always JSON.
                    }

                    @Override
                    public void writeToOutputStream(ConsumerOfOutputStream consumer) {
                        try {
                            consumer.accept(buffer);
                        } catch (IOException e) {
                            throw new UncheckedIOException("writing the realm export to memory failed", e);
                        }
                    }
                });
        try {
            return JsonSerialization.readValue(buffer.toByteArray(), RealmRepresentation.class);
        } catch (IOException e) {
            throw new UncheckedIOException("reading Keycloak's own realm export failed", e);
        }
    }
}
