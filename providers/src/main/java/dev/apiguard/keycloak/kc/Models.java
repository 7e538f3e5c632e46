package dev.apiguard.keycloak.kc;

import java.util.function.Consumer;
import java.util.function.Function;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.ModelToRepresentation;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

/** Keycloak model helpers that are not public SPI: transactions, group paths, start-up events, the user profile. */
public final class Models {

    private Models() {}

    /** Runs {@code job} in a new session and transaction (committed when it returns, rolled back when it throws). */
    public static void inTransaction(KeycloakSessionFactory factory, Consumer<KeycloakSession> job) {
        KeycloakModelUtils.runJobInTransaction(factory, job::accept);
    }

    /** Like {@link #inTransaction}, returning the job's result. */
    public static <T> T inTransaction(KeycloakSessionFactory factory, Function<KeycloakSession, T> job) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, job::apply);
    }

    /** The group's path as Keycloak shows it ({@code /parent/child}). */
    public static String groupPath(GroupModel group) {
        return ModelToRepresentation.buildGroupPath(group);
    }

    /** Whether {@code event} says the server has started (migrations done: realms can be read). */
    public static boolean isServerStarted(ProviderEvent event) {
        return event instanceof PostMigrationEvent;
    }

    /** The realm's user-profile configuration (who may edit which attribute). */
    public static UPConfig userProfile(KeycloakSession session) {
        return session.getProvider(UserProfileProvider.class).getConfiguration();
    }
}
