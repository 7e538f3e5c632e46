package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.apiguard.keycloak.kc.AdminAccess;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

/**
 * The keys endpoint's rules in milliseconds: permissions before anything (403), an invalid policy is
 * refused before the realm's lock is taken. KeyRotationIT proves the rest over HTTP.
 */
class KeysResourceTest {

    private final KeycloakSession session = mock(KeycloakSession.class, RETURNS_DEEP_STUBS);
    private final RealmModel realm = mock(RealmModel.class);
    private final AdminAccess auth = mock(AdminAccess.class);
    private final KeysResource resource = new KeysResource(session, realm, auth);

    @Test
    void putWhenTheCallerMayNotManageTheRealmThen403BeforeTheBodyIsRead() {
        doThrow(new ForbiddenException()).when(auth).requireManageRealm();

        assertThat(resource.put("{\"rotationPeriod\": \"P30D\"}").getStatus()).isEqualTo(403);
        verifyNoInteractions(session, realm);
    }

    @Test
    void rotateAndRevokeWhenTheCallerMayNotManageTheRealmThen403AndNothingChanges() {
        doThrow(new ForbiddenException()).when(auth).requireManageRealm();

        assertThat(resource.rotate(null).getStatus()).isEqualTo(403);
        assertThat(resource.revoke("kid-1").getStatus()).isEqualTo(403);
        verifyNoInteractions(session, realm);
    }

    @Test
    void getWhenTheCallerMayNotViewTheRealmThen403() {
        doThrow(new ForbiddenException()).when(auth).requireViewRealm();

        assertThat(resource.get().getStatus()).isEqualTo(403);
        verifyNoInteractions(session, realm);
    }

    @Test
    void putWhenThePolicyBreaksARuleThen400WithoutTakingTheRealmsLock() {
        when(session.getContext().getRequestHeaders().getMediaType()).thenReturn(MediaType.APPLICATION_JSON_TYPE);
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();

        Response response = resource.put("{\"rotationPeriod\": \"PT30S\", \"prePublication\": \"PT40S\"}");

        assertThat(response.getStatus()).isEqualTo(400);
        verifyNoInteractions(factory);
        verify(auth, never()).requestEvent();
    }
}
