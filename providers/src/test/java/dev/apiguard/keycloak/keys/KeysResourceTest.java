package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.apiguard.keycloak.kc.AdminAccess;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

/**
 * The keys endpoint's rules in milliseconds: permissions before anything, an invalid policy is
 * refused before the realm's lock is taken. KeyRotationIT proves the rest over HTTP.
 */
class KeysResourceTest {

    private final KeycloakSession session = mock(KeycloakSession.class, RETURNS_DEEP_STUBS);
    private final RealmModel realm = mock(RealmModel.class);
    private final AdminAccess auth = mock(AdminAccess.class);
    private final KeysResource resource = new KeysResource(session, realm, auth);

    @Test
    void putWhenTheCallerMayNotManageTheRealmThenForbiddenBeforeTheBodyIsRead() {
        doThrow(new ForbiddenException()).when(auth).requireManageRealm();

        assertThatThrownBy(() -> resource.put("{\"rotationPeriod\": \"P30D\"}")).isInstanceOf(ForbiddenException.class);
        verifyNoInteractions(session, realm);
    }

    @Test
    void rotateAndRevokeWhenTheCallerMayNotManageTheRealmThenForbidden() {
        doThrow(new ForbiddenException()).when(auth).requireManageRealm();

        assertThatThrownBy(() -> resource.rotate(null)).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> resource.revoke("kid-1")).isInstanceOf(ForbiddenException.class);
        verifyNoInteractions(session, realm);
    }

    @Test
    void getWhenTheCallerMayNotViewTheRealmThenForbidden() {
        doThrow(new ForbiddenException()).when(auth).requireViewRealm();

        assertThatThrownBy(resource::get).isInstanceOf(ForbiddenException.class);
        verifyNoInteractions(session, realm);
    }

    @Test
    void putWhenThePolicyBreaksARuleThen400WithoutTakingTheRealmsLock() {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();

        Response response = resource.put("{\"rotationPeriod\": \"PT30S\", \"prePublication\": \"PT40S\"}");

        assertThat(response.getStatus()).isEqualTo(400);
        verifyNoInteractions(factory);
        verify(auth, never()).requestEvent();
    }
}
