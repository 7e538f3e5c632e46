package dev.apiguard.keycloak.kc;

import dev.apiguard.keycloak.common.ScopeDecision;
import dev.apiguard.keycloak.common.TokenScopes;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.keycloak.OAuth2Constants;
import org.keycloak.TokenCategory;
import org.keycloak.crypto.HashProvider;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.events.EventType;
import org.keycloak.jose.jws.crypto.HashUtils;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.ciba.clientpolicy.context.BackchannelTokenResponseContext;
import org.keycloak.protocol.oidc.grants.device.clientpolicy.context.DeviceTokenResponseContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.context.ImplicitHybridTokenResponse;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsResponseContext;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.services.clientpolicy.context.TokenResponseContext;

/**
 * A token response Keycloak is building (events {@link #EVENTS}: every grant that issues tokens),
 * as the deciders see it, and the one place that applies their {@link ScopeDecision}s.
 *
 * <p>Why here: Keycloak computes the response's {@code scope} from the client session (not from
 * the token) and encodes the tokens once, the first time the response is built; it then reuses that
 * response. {@link #apply} therefore keeps, per response, the union of everything any decider
 * withheld, narrows the access and refresh tokens by it and builds the response with its
 * {@code scope} narrowed the same way. A decision that withholds nothing changes nothing (Keycloak
 * builds the response as usual, with the token's scope). A decision that withholds more after the
 * response was built (a second decider that withholds something else in the same request) re-encodes
 * the tokens of that same response, so the result does not depend on the order of the executors in
 * the realm's profiles.
 */
public final class IssuedTokens {

    /**
     * The events of a token response, one for each grant that issues tokens:
     * {@code TOKEN_RESPONSE} (authorization code), {@code TOKEN_REFRESH_RESPONSE},
     * {@code SERVICE_ACCOUNT_TOKEN_RESPONSE} (client credentials), {@code DEVICE_TOKEN_RESPONSE}
     * (RFC 8628), {@code BACKCHANNEL_TOKEN_RESPONSE} (CIBA), and the two grants the baseline profile
     * refuses but a realm's own profile may allow: {@code RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE}
     * and {@code IMPLICIT_HYBRID_TOKEN_RESPONSE} (tokens from the authorization endpoint). Keycloak
     * raises each of them with the response builder, before it builds the response.
     */
    public static final Set<ClientPolicyEvent> EVENTS = Collections.unmodifiableSet(EnumSet.of(
            ClientPolicyEvent.TOKEN_RESPONSE,
            ClientPolicyEvent.TOKEN_REFRESH_RESPONSE,
            ClientPolicyEvent.SERVICE_ACCOUNT_TOKEN_RESPONSE,
            ClientPolicyEvent.DEVICE_TOKEN_RESPONSE,
            ClientPolicyEvent.BACKCHANNEL_TOKEN_RESPONSE,
            ClientPolicyEvent.RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE,
            ClientPolicyEvent.IMPLICIT_HYBRID_TOKEN_RESPONSE));

    private static final String LEDGERS = IssuedTokens.class.getName() + ".ledgers";

    private final KeycloakSession session;
    private final TokenManager.AccessTokenResponseBuilder builder;
    private final AuthenticatedClientSessionModel clientSession;
    private final String grantType;
    private final EventType eventType;

    IssuedTokens(
            KeycloakSession session,
            TokenManager.AccessTokenResponseBuilder builder,
            AuthenticatedClientSessionModel clientSession,
            String grantType,
            EventType eventType) {
        this.session = session;
        this.builder = builder;
        this.clientSession = clientSession;
        this.grantType = grantType;
        this.eventType = eventType;
    }

    /** The token response of {@code context}; empty for every event that does not carry one. */
    public static Optional<IssuedTokens> of(KeycloakSession session, ClientPolicyContext context) {
        return switch (context.getEvent()) {
            case TOKEN_RESPONSE -> {
                TokenResponseContext response = (TokenResponseContext) context;
                yield Optional.of(new IssuedTokens(
                        session,
                        response.getAccessTokenResponseBuilder(),
                        response.getClientSession(),
                        OAuth2Constants.AUTHORIZATION_CODE,
                        EventType.CODE_TO_TOKEN));
            }
            case TOKEN_REFRESH_RESPONSE -> {
                TokenRefreshResponseContext response = (TokenRefreshResponseContext) context;
                yield Optional.of(new IssuedTokens(
                        session,
                        response.getAccessTokenResponseBuilder(),
                        response.getClientSession(),
                        OAuth2Constants.REFRESH_TOKEN,
                        EventType.REFRESH_TOKEN));
            }
            case SERVICE_ACCOUNT_TOKEN_RESPONSE -> {
                ServiceAccountTokenResponseContext response = (ServiceAccountTokenResponseContext) context;
                yield Optional.of(new IssuedTokens(
                        session,
                        response.getAccessTokenResponseBuilder(),
                        response.getClientSession(),
                        OAuth2Constants.CLIENT_CREDENTIALS,
                        EventType.CLIENT_LOGIN));
            }
            case DEVICE_TOKEN_RESPONSE -> {
                DeviceTokenResponseContext response = (DeviceTokenResponseContext) context;
                yield Optional.of(new IssuedTokens(
                        session,
                        response.getAccessTokenResponseBuilder(),
                        response.getClientSession(),
                        OAuth2Constants.DEVICE_CODE_GRANT_TYPE,
                        EventType.OAUTH2_DEVICE_CODE_TO_TOKEN));
            }
            case BACKCHANNEL_TOKEN_RESPONSE -> {
                BackchannelTokenResponseContext response = (BackchannelTokenResponseContext) context;
                yield Optional.of(new IssuedTokens(
                        session,
                        response.getAccessTokenResponseBuilder(),
                        response.getClientSessionContext().getClientSession(),
                        OAuth2Constants.CIBA_GRANT_TYPE,
                        EventType.AUTHREQID_TO_TOKEN));
            }
            case RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE -> {
                ResourceOwnerPasswordCredentialsResponseContext response =
                        (ResourceOwnerPasswordCredentialsResponseContext) context;
                yield Optional.of(new IssuedTokens(
                        session,
                        response.getAccessTokenResponseBuilder(),
                        response.getClientSessionContext().getClientSession(),
                        OAuth2Constants.PASSWORD,
                        EventType.LOGIN));
            }
            case IMPLICIT_HYBRID_TOKEN_RESPONSE -> {
                ImplicitHybridTokenResponse response = (ImplicitHybridTokenResponse) context;
                yield Optional.of(new IssuedTokens(
                        session,
                        response.getAccessTokenResponseBuilder(),
                        response.getClientSessionContext().getClientSession(),
                        OAuth2Constants.IMPLICIT,
                        EventType.LOGIN));
            }
            default -> Optional.empty();
        };
    }

    /**
     * The scope of the access token as Keycloak made it, before any decider withheld anything:
     * every decider decides on this, so what one withholds does not change what another sees.
     */
    public String scope() {
        return ledger().scope;
    }

    /**
     * The client scopes of the token being issued, as Keycloak resolved them for it (its client
     * session context): the scope names of {@link #scope()} come from these.
     */
    public Stream<ClientScopeModel> clientScopes() {
        return builder.getClientSessionCtx().getClientScopesStream();
    }

    /** The access token being issued (read it; change it only through {@link #apply}). */
    public AccessToken accessToken() {
        return builder.getAccessToken();
    }

    public AuthenticatedClientSessionModel clientSession() {
        return clientSession;
    }

    /**
     * The grant ({@code authorization_code}, {@code refresh_token}, {@code client_credentials},
     * {@code urn:ietf:params:oauth:grant-type:device_code}, {@code urn:openid:params:grant-type:ciba},
     * {@code password}, {@code implicit} for tokens from the authorization endpoint).
     */
    public String grantType() {
        return grantType;
    }

    /** The event type Keycloak records for this grant, for a decider's events. */
    public EventType eventType() {
        return eventType;
    }

    /**
     * Applies one decider's decision to this response: the tokens and the response's {@code scope}
     * lose every scope withheld by any decider so far. Idempotent; the order of calls does not
     * change the result.
     */
    public void apply(ScopeDecision decision) {
        if (decision.withholdsNothing()) {
            return;
        }
        Ledger ledger = ledger();
        if (!ledger.withheld.addAll(decision.withheld())) {
            return;
        }
        AccessToken access = builder.getAccessToken();
        access.setScope(TokenScopes.without(access.getScope(), ledger.withheld));
        RefreshToken refresh = builder.getRefreshToken();
        if (refresh != null) {
            refresh.setScope(TokenScopes.without(refresh.getScope(), ledger.withheld));
        }
        if (ledger.response == null) {
            ledger.response = builder.build();
        } else {
            reencode(ledger.response, access, refresh);
        }
        ledger.response.setScope(TokenScopes.without(ledger.response.getScope(), ledger.withheld));
    }

    /** A response built before a later decider withheld more: its tokens are encoded again from the narrowed objects. */
    private void reencode(AccessTokenResponse response, AccessToken access, RefreshToken refresh) {
        String encodedAccess = session.tokens().encode(access);
        response.setToken(encodedAccess);
        if (refresh != null && response.getRefreshToken() != null) {
            response.setRefreshToken(session.tokens().encode(refresh));
        }
        IDToken id = builder.getIdToken();
        if (id != null && response.getIdToken() != null) {
            if (id.getAccessTokenHash() != null) {
                id.setAccessTokenHash(oidcHash(encodedAccess));
            }
            response.setIdToken(session.tokens().encodeAndEncrypt(id));
        }
    }

    /** {@code at_hash} (OIDC Core 3.1.3.6) with the ID token's signature algorithm, as Keycloak computes it. */
    private String oidcHash(String encodedAccess) {
        String algorithm = session.tokens().signatureAlgorithm(TokenCategory.ID);
        String hashAlgorithm =
                session.getProvider(SignatureProvider.class, algorithm).signer().getHashAlgorithm();
        return HashUtils.encodeHashToOIDC(
                session.getProvider(HashProvider.class, hashAlgorithm).hash(encodedAccess));
    }

    @SuppressWarnings("unchecked")
    private Ledger ledger() {
        Map<Object, Ledger> ledgers = (Map<Object, Ledger>) session.getAttribute(LEDGERS);
        if (ledgers == null) {
            ledgers = new IdentityHashMap<>();
            session.setAttribute(LEDGERS, ledgers);
        }
        return ledgers.computeIfAbsent(
                builder, b -> new Ledger(builder.getAccessToken().getScope()));
    }

    /** What the deciders withheld from one response, and the response once built. */
    private static final class Ledger {
        private final String scope;
        private final Set<String> withheld = new LinkedHashSet<>();
        private AccessTokenResponse response;

        private Ledger(String scope) {
            this.scope = scope;
        }
    }
}
