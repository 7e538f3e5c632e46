package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
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

    /** The server options as the factory reads them: no default policy unless a test sets one. */
    @BeforeEach
    void noServerDefaultPolicy() {
        doReturn(new ScheduledKeyRotationFactory.Settings(60, Optional.empty()))
                .when(session)
                .getProvider(KeyRotationProvider.class);
    }

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
    void policyOfWhenTheRealmHasNoPolicyAndTheServerNoDefaultThenRotationIsOff() {
        assertThat(KeyRotationEngine.policyOf(session, realm)).isEqualTo(RotationPolicy.NONE);
        assertThat(KeyRotationEngine.applyDue(new KeyRotationEngine.Locked(session, realm, events)))
                .isZero();
        verify(realm, never()).getComponentsStream(any());
        verifyNoInteractions(events);
    }

    @Test
    void policyOfWhenTheRealmHasNoPolicyAndTheServerHasADefaultThenTheServerDefault() {
        RotationPolicy serverDefault = RotationPolicy.parse("{\"rotationPeriod\": \"P30D\"}");
        doReturn(new ScheduledKeyRotationFactory.Settings(60, Optional.of(serverDefault)))
                .when(session)
                .getProvider(KeyRotationProvider.class);

        assertThat(KeyRotationEngine.policyOf(session, realm)).isEqualTo(serverDefault);
    }

    @Test
    void policyOfWhenTheStoredPolicyBreaksARuleThenPolicyExceptionNamingIt() {
        when(realm.getAttribute(RotationPolicy.REALM_ATTRIBUTE))
                .thenReturn("{\"rotationPeriod\": \"PT30S\", \"prePublication\": \"PT40S\"}");

        assertThatThrownBy(() -> KeyRotationEngine.policyOf(session, realm))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("prePublication PT40S must be shorter than rotationPeriod PT30S");
    }
}
