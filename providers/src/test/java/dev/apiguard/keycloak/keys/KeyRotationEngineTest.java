package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The engine's fail-closed rules in milliseconds: without a readable, enabled policy the scheduled
 * pass changes nothing. The transitions themselves are planned by {@link KeyLifecycle} (see
 * KeyLifecycleTest) and applied under the lock on the real server (KeyRotationIT, KeyRotationClusterIT).
 */
class KeyRotationEngineTest {

    private final KeycloakSession session = mock(KeycloakSession.class, RETURNS_DEEP_STUBS);
    private final RealmModel realm = mock(RealmModel.class);
    private final KeyEvents events = mock(KeyEvents.class);

    @Test
    void applyDueWhenThePolicyIsDisabledThenNoTransitionAndNoKeyIsRead() {
        when(realm.getAttribute(RotationPolicy.REALM_ATTRIBUTE)).thenReturn("{\"enabled\": false}");

        int transitions = KeyRotationEngine.applyDue(new KeyRotationEngine.Locked(session, realm, events));

        assertThat(transitions).isZero();
        verify(realm, never()).getComponentsStream(any());
        verify(realm, never()).addComponentModel(any());
        verifyNoInteractions(events);
    }

    @Test
    void applyDueWhenTheStoredPolicyIsUnreadableThenFailsClosedWithNoTransition() {
        when(realm.getAttribute(RotationPolicy.REALM_ATTRIBUTE)).thenReturn("{\"rotationPeriod\": \"soon\"}");

        int transitions = KeyRotationEngine.applyDue(new KeyRotationEngine.Locked(session, realm, events));

        assertThat(transitions).isZero();
        verify(realm, never()).addComponentModel(any());
        verifyNoInteractions(events);
    }

    @Test
    void policyOfWhenTheRealmHasNoPolicyThenTheDefault() {
        assertThat(KeyRotationEngine.policyOf(realm)).isEqualTo(RotationPolicy.DEFAULT);
    }

    @Test
    void policyOfWhenTheStoredPolicyBreaksARuleThenPolicyExceptionNamingIt() {
        when(realm.getAttribute(RotationPolicy.REALM_ATTRIBUTE)).thenReturn("{\"rotationPeriod\": \"PT30S\", \"prePublication\": \"PT40S\"}");

        assertThatThrownBy(() -> KeyRotationEngine.policyOf(realm)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("prePublication PT40S must be shorter than rotationPeriod PT30S");
    }
}
