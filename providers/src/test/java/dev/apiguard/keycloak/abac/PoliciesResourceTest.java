package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.apiguard.keycloak.kc.AdminAccess;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

/**
 * The policies endpoint's rules in milliseconds: permissions first, a refused document changes
 * nothing, a saved one is stored and recorded as an admin event. AbacIT proves it over HTTP.
 */
class PoliciesResourceTest {

    private static final String VALID = """
            {"apiVersion": "apiguard/v1", "protectedScopes": ["orders:read"],
             "policies": [{"name": "read", "scopes": ["orders:read"], "effect": "permit", "condition": "true"}]}
            """;

    private final KeycloakSession session = mock(KeycloakSession.class, RETURNS_DEEP_STUBS);
    private final RealmModel realm = mock(RealmModel.class);
    private final AdminAccess auth = mock(AdminAccess.class);
    private final PoliciesResource resource = new PoliciesResource(session, realm, auth);

    PoliciesResourceTest() {
        when(realm.getId()).thenReturn(UUID.randomUUID().toString());
        when(realm.getName()).thenReturn("demo");
        when(realm.getRequiredActionProvidersStream()).thenAnswer(call -> Stream.empty());
        UserProfileProvider profile = mock(UserProfileProvider.class);
        when(profile.getConfiguration()).thenReturn(new UPConfig());
        doReturn(profile).when(session).getProvider(UserProfileProvider.class);
        when(session.getContext().getRequestHeaders().getMediaType()).thenReturn(MediaType.APPLICATION_JSON_TYPE);
    }

    @Test
    void putWhenTheCallerMayNotManageTheRealmThen403AndNothingStored() {
        doThrow(new ForbiddenException()).when(auth).requireManageRealm();

        assertThat(resource.put(VALID).getStatus()).isEqualTo(403);
        verify(realm, never()).setAttribute(anyString(), anyString());
    }

    @Test
    void getWhenTheCallerMayNotViewTheRealmThen403() {
        doThrow(new ForbiddenException()).when(auth).requireViewRealm();

        assertThat(resource.get().getStatus()).isEqualTo(403);
    }

    @Test
    void putWhenTheBodyIsNotDeclaredAsJsonThen415AndNothingStored() {
        when(session.getContext().getRequestHeaders().getMediaType()).thenReturn(MediaType.TEXT_PLAIN_TYPE);

        assertThat(resource.put(VALID).getStatus()).isEqualTo(415);
        verify(realm, never()).setAttribute(anyString(), anyString());
    }

    @Test
    void putWhenTheDocumentIsInvalidThen400AndThePreviousDocumentStays() {
        Response response = resource.put("{\"apiVersion\": \"apiguard/v1\", \"policies\": [{\"name\": \"x\"}]}");

        assertThat(response.getStatus()).isEqualTo(400);
        verify(realm, never()).setAttribute(eq(PolicyStore.ATTRIBUTE), anyString());
        verify(auth, never()).realmUpdated(any(), any(), anyMap());
    }

    @Test
    void putWhenTheDocumentIsValidThenStoredAndRecordedAsAnAdminEvent() {
        Response response = resource.put(VALID);

        assertThat(response.getStatus()).isEqualTo(200);
        verify(realm).setAttribute(PolicyStore.ATTRIBUTE, VALID);
        verify(auth).realmUpdated(eq(session), any(), anyMap());
    }

    @Test
    void getWhenTheRealmHasNoDocumentThen404() {
        assertThat(resource.get().getStatus()).isEqualTo(404);
    }
}
