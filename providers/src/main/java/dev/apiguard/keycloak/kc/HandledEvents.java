package dev.apiguard.keycloak.kc;

import java.util.Set;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;

/**
 * A client-policy executor factory whose executors act on these events only. API Guard's
 * client-policy manager ({@link CachingClientPolicyManager}) neither creates nor calls such an
 * executor on any other event: a refresh, for example, no longer builds the executors that check
 * client registrations. The executor itself returns at once on any other event, so that it behaves
 * the same under Keycloak's own manager and its declaration cannot drift from what it does.
 */
public interface HandledEvents {

    /** The events the executors of this factory act on; never null. */
    Set<ClientPolicyEvent> handledEvents();
}
