package dev.apiguard.keycloak.ratelimit;

import dev.apiguard.keycloak.common.ApiError;
import dev.apiguard.keycloak.kc.Cluster;
import dev.apiguard.keycloak.kc.ErrorPages;
import dev.apiguard.keycloak.kc.LoginSessions;
import dev.apiguard.keycloak.kc.Models;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.ClientConnection;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Applies a realm's rate-limit document to the endpoints it names. A post-matching JAX-RS filter
 * in the provider JAR: it runs once Keycloak has resolved the realm (the sub-resource locators
 * ran) and before the endpoint's method, so before client authentication, the password hash and
 * token signing. It:
 * <ul>
 *   <li>does nothing for a path that is not a limited endpoint, or a realm without a document (one
 *       attribute lookup);</li>
 *   <li>answers 503 {@code temporarily_unavailable} while the stored document is broken (fail
 *       closed; the admin API, not limited, can replace it);</li>
 *   <li>reads what the rules need: the client from the Basic header, the form's {@code client_id}
 *       or the query's; the username of a password attempt from the form, or for a later step of
 *       a login (the OTP form) the user the login in progress identified (the body is buffered,
 *       at most {@value #MAX_FORM_BYTES} bytes are looked at, and handed on unchanged); the source
 *       address as Keycloak resolved it from its proxy settings;</li>
 *   <li>refuses with 429, {@code Retry-After} and the RateLimit fields: JSON
 *       {@code {"error": "too_many_requests", ...}} on API endpoints, the login theme's error page
 *       on browser endpoints;</li>
 *   <li>sends an event for every refusal (enforced or shadow) and for a bucket at 80%;</li>
 *   <li>after the endpoint answered: settles failure-counting rules and client refunds, and adds
 *       {@code RateLimit-Policy} and {@code RateLimit} to the answer (429s included).</li>
 * </ul>
 */
@Provider
@Priority(100)
public final class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final String DECISION = RateLimitFilter.class.getName() + ".decision";
    static final int MAX_FORM_BYTES = 16_384;
    static final String POLICY_FIELD = "RateLimit-Policy";
    static final String RATE_LIMIT_FIELD = "RateLimit";
    static final String TAB_ID = "tab_id";
    /** Names the breaker's retries claim (never a bucket's: those start with {@code apiguard-rl:}). */
    static final String RETRY_PREFIX = "apiguard-rl-retry:";

    private static final Logger LOG = Logger.getLogger(RateLimitFilter.class);

    /** This node's breaker in front of the shared state (one per JVM, like the buckets); retries on a thread of its own. */
    private static final SharedBreaker BREAKER =
            new SharedBreaker(System::nanoTime, Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "apiguard-rate-limit-retry");
                thread.setDaemon(true);
                return thread;
            }));

    @Override
    public void filter(ContainerRequestContext request) {
        String[] realmName = new String[1];
        Endpoint endpoint = Endpoint.of(request.getUriInfo().getPath(), realmName);
        if (endpoint == null) {
            return;
        }
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        RealmModel realm = session == null ? null : session.getContext().getRealm();
        if (realm == null || !realm.getName().equals(realmName[0])) {
            return;
        }
        RateLimitStore.State state = RateLimitStore.of(realm);
        if (state.absent()) {
            return;
        }
        if (state.broken()) {
            request.abortWith(ApiError.response(
                    Response.Status.SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "The service is temporarily unavailable",
                    List.of()));
            return;
        }
        RateLimitPolicy policy = state.policy();
        Rule[] rules = policy.rules(endpoint);
        if (rules.length == 0) {
            return;
        }
        if (!policy.announced.get() && policy.announced.compareAndSet(false, true)) {
            announce(session, realm, state);
        }
        Form form = Form.NONE;
        String basicClient =
                endpoint.clientInForm ? basicClientId(request.getHeaderString(HttpHeaders.AUTHORIZATION)) : null;
        if ("POST".equals(request.getMethod())
                && (endpoint.clientInForm || endpoint == Endpoint.LOGIN || endpoint == Endpoint.AUTHORIZE)
                && isForm(request.getMediaType())
                && (endpoint != Endpoint.AUTHORIZE
                        || request.getUriInfo().getQueryParameters().getFirst(OAuth2Constants.CLIENT_ID) == null)) {
            form = readForm(request);
        }
        String clientId = basicClient;
        if (clientId == null) {
            clientId = switch (endpoint) {
                case TOKEN, PAR, INTROSPECT, REVOKE, DEVICE -> form.clientId;
                case AUTHORIZE ->
                    form.clientId != null
                            ? form.clientId
                            : request.getUriInfo().getQueryParameters().getFirst(OAuth2Constants.CLIENT_ID);
                case LOGIN -> request.getUriInfo().getQueryParameters().getFirst(OAuth2Constants.CLIENT_ID);
                default -> null;
            };
        }
        String username = switch (endpoint) {
            case TOKEN -> OAuth2Constants.PASSWORD.equals(form.grantType) ? form.username : null;
            case LOGIN -> form.username;
            default -> null;
        };
        if (username == null && endpoint == Endpoint.LOGIN && needsKey(rules, KeyKind.USERNAME)) {
            // A later step of a login (the OTP form) posts no username: the login in progress names the user.
            UserModel user = LoginSessions.identifiedUser(
                    session,
                    realm,
                    clientId,
                    request.getUriInfo().getQueryParameters().getFirst(TAB_ID));
            username = user == null ? null : user.getUsername();
        }
        String tier = null;
        if (clientId != null && needsTier(rules)) {
            ClientModel client = realm.getClientByClientId(clientId);
            tier = client == null ? null : client.getAttribute(RateLimitStore.TIER_ATTRIBUTE);
            if (client != null && !policy.definesTier(tier) && !policy.tierRules.isEmpty()) {
                // The document's tierRules (CEL on the client), cached per client: no CEL runs for a cached client.
                tier = policy.selectTier(
                        clientId,
                        client.getAttributes(),
                        () -> realmRoles(session, realm, client),
                        System.currentTimeMillis());
            }
        }
        ClientConnection connection = session.getContext().getConnection();
        String address = connection == null ? null : connection.getRemoteAddr();

        Decision decision = RateLimiter.decide(
                policy,
                new RequestFacts(endpoint, clientId, tier, address, username),
                wallClockNanos(),
                shared(session));
        if (decision.size == 0) {
            return;
        }
        request.setProperty(DECISION, decision);
        RateLimitEvents.report(session, realm, decision, clientId, form.grantType);
        if (decision.refused()) {
            request.abortWith(refusal(session, endpoint, decision));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(DECISION) instanceof Decision decision)) {
            return;
        }
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        RateLimiter.settle(decision, response.getStatus(), wallClockNanos(), session == null ? null : shared(session));
        MultivaluedMap<String, Object> headers = response.getHeaders();
        String policyField = decision.policyField();
        if (policyField != null) {
            headers.putSingle(POLICY_FIELD, policyField);
            headers.putSingle(RATE_LIMIT_FIELD, decision.rateLimitField());
        }
        if (decision.refused()) {
            headers.putSingle(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds));
        }
    }

    /**
     * Cluster-wide state through Keycloak's public single-use-object store (the {@code actionTokens}
     * cache), behind this node's {@link SharedBreaker}; the cluster's size (for the per-node share
     * while that store fails) from the embedded Infinispan cluster view ({@link Cluster#members}).
     */
    private static SharedSlots shared(KeycloakSession session) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        return BREAKER.guard(
                new SharedSlots() {
                    @Override
                    public boolean claim(String name, long lifespanSeconds) {
                        return session.singleUseObjects().putIfAbsent(name, lifespanSeconds);
                    }

                    @Override
                    public int nodes() {
                        return Cluster.members(session);
                    }
                },
                () -> Models.inTransaction(factory, (KeycloakSession own) -> {
                    own.singleUseObjects().putIfAbsent(RETRY_PREFIX + UUID.randomUUID(), 1);
                }));
    }

    /**
     * Logs, once per document and node (at its first limited request), the cluster's size as this
     * node sees it and so the share of each limit it would apply alone if the shared state failed.
     */
    private static void announce(KeycloakSession session, RealmModel realm, RateLimitStore.State state) {
        int members = Cluster.members(session);
        if (members > 1) {
            LOG.infof(
                    "Rate-limit document version %s of realm '%s': cluster view of %d members on this node; "
                            + "if the shared state fails, this node applies a 1/%d share of each limit",
                    state.version(), realm.getName(), members, members);
        } else {
            LOG.infof(
                    "Rate-limit document version %s of realm '%s': %s; if the shared state fails, this node "
                            + "applies the full limits",
                    state.version(),
                    realm.getName(),
                    members == 1 ? "cluster view of this node only" : "no embedded Infinispan cluster view");
        }
    }

    /** Wall-clock time in nanoseconds: every node of a cluster numbers the buckets' slots alike. */
    private static long wallClockNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static Response refusal(KeycloakSession session, Endpoint endpoint, Decision decision) {
        Response.ResponseBuilder answer;
        if (endpoint.browser()) {
            Response page;
            try {
                page = ErrorPages.page(
                        session, Response.Status.TOO_MANY_REQUESTS, "Too many requests, please retry later.");
            } catch (RuntimeException e) {
                // The theme could not render (a broken custom theme): a plain answer rather than a 500.
                LOG.debugf(
                        e,
                        "The login theme's error page failed for a 429 of realm '%s'",
                        session.getContext().getRealm().getName());
                page = Response.status(Response.Status.TOO_MANY_REQUESTS)
                        .type(MediaType.TEXT_PLAIN_TYPE)
                        .entity("Too many requests, please retry later.")
                        .build();
            }
            answer = Response.fromResponse(page);
        } else {
            answer = Response.status(Response.Status.TOO_MANY_REQUESTS)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError("too_many_requests", "Too many requests, retry later", List.of()));
        }
        return answer.header(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    /** The effective realm roles of {@code client}'s service account (composites and groups included); empty without one. */
    private static List<String> realmRoles(KeycloakSession session, RealmModel realm, ClientModel client) {
        UserModel account = client.isServiceAccountsEnabled() ? session.users().getServiceAccount(client) : null;
        if (account == null) {
            return List.of();
        }
        return realm.getRolesStream()
                .filter(account::hasRole)
                .map(RoleModel::getName)
                .toList();
    }

    private static boolean needsKey(Rule[] rules, KeyKind key) {
        for (Rule rule : rules) {
            if (rule.key() == key) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsTier(Rule[] rules) {
        for (Rule rule : rules) {
            if (rule.tiered()) {
                return true;
            }
        }
        return false;
    }

    private static boolean isForm(MediaType type) {
        return type != null && type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
    }

    /** The client id of an HTTP Basic header ({@code client_secret_basic}, URL-encoded id); never the secret. */
    static String basicClientId(String authorization) {
        if (authorization == null
                || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            // Not Base64: Keycloak refuses it; the request counts by address only.
            return null;
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon <= 0 ? null : urlDecode(pair.substring(0, colon));
    }

    /** The parameters the rules need from a form body. */
    record Form(String clientId, String username, String grantType) {
        static final Form NONE = new Form(null, null, null);
    }

    /**
     * Reads up to {@value #MAX_FORM_BYTES} bytes of the body, picks {@code client_id},
     * {@code username} and {@code grant_type}, and puts the body back so that Keycloak reads it
     * unchanged.
     */
    static Form readForm(ContainerRequestContext request) {
        InputStream body = request.getEntityStream();
        if (body == null) {
            return Form.NONE;
        }
        // A token request's form is a few hundred bytes: with its Content-Length known, read that many into a buffer
        // of that size (readNBytes(MAX_FORM_BYTES) would allocate 8 KiB per request to find the end).
        int declared = request.getLength();
        int wanted = declared >= 0 && declared < MAX_FORM_BYTES ? declared : MAX_FORM_BYTES;
        byte[] head;
        try {
            head = body.readNBytes(wanted);
        } catch (IOException e) {
            // The client went away or sent a broken body: Keycloak's own reading will fail the same way.
            LOG.debugf("Could not read a form body for rate limiting: %s", e.getMessage());
            return Form.NONE;
        }
        // Whatever the stream still holds (nothing, when the length was declared and honest) follows what was read.
        request.setEntityStream(
                head.length < wanted
                        ? new ByteArrayInputStream(head)
                        : new SequenceInputStream(new ByteArrayInputStream(head), body));
        return parseForm(new String(head, StandardCharsets.ISO_8859_1));
    }

    static Form parseForm(String body) {
        String clientId = null;
        String username = null;
        String grantType = null;
        int start = 0;
        while (start < body.length()) {
            int end = body.indexOf('&', start);
            if (end < 0) {
                end = body.length();
            }
            int equals = body.indexOf('=', start);
            if (equals > start && equals < end) {
                String name = body.substring(start, equals);
                switch (name) {
                    case OAuth2Constants.CLIENT_ID ->
                        clientId = clientId == null ? formValue(body, equals + 1, end) : clientId;
                    case OAuth2Constants.USERNAME ->
                        username = username == null ? formValue(body, equals + 1, end) : username;
                    case OAuth2Constants.GRANT_TYPE ->
                        grantType = grantType == null ? formValue(body, equals + 1, end) : grantType;
                    default -> {
                        // Not needed by any rule.
                    }
                }
            }
            start = end + 1;
        }
        return new Form(clientId, username, grantType);
    }

    private static String formValue(String body, int from, int to) {
        String raw = body.substring(from, to);
        // The body was read as ISO-8859-1 (one char per byte); decode percent-escapes as UTF-8.
        String value = urlDecode(new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        return value == null || value.isEmpty() ? null : value;
    }

    private static String urlDecode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A broken escape: Keycloak will refuse the request; count it under no client.
            return null;
        }
    }
}
