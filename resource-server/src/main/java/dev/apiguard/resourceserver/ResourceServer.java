package dev.apiguard.resourceserver;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.apiguard.resourceserver.dpop.DpopProofVerifier;
import dev.apiguard.resourceserver.dpop.DpopReplayStore;
import dev.apiguard.resourceserver.dpop.InMemoryDpopReplayStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request-level checks of a protected resource, framework-neutral; adapters call
 * {@link #authenticate(HttpRequestView)}, then {@link #authorize(AccessToken, Requirement)}, and on a
 * {@link TokenRejectedException} answer {@link Rejection#status()} with {@link #challenges(Rejection)}.
 *
 * <p>{@link #authenticate} checks, in order:
 * <ol>
 *   <li>no {@code access_token} query parameter (tokens in URIs leak into logs: RFC 9700 §2.5,
 *       {@code invalid_request});</li>
 *   <li>at most one {@code Authorization} header ({@code invalid_request}); none: 401 without an error code
 *       (RFC 6750 §3.1); a scheme other than Bearer or DPoP is treated as none;</li>
 *   <li>the credentials are one token68 value ({@code invalid_request});</li>
 *   <li>the token, with {@link AccessTokenValidator} ({@code invalid_token});</li>
 *   <li>scheme Bearer: the token is not DPoP-bound ({@code invalid_token}: a bound token sent as Bearer
 *       would make the binding worthless), and DPoP is not required;</li>
 *   <li>scheme DPoP: the token is DPoP-bound ({@code invalid_token}), exactly one {@code DPoP} header
 *       ({@code invalid_dpop_proof}), and the proof passes {@link DpopProofVerifier}.</li>
 * </ol>
 */
public final class ResourceServer {

    /** RFC 6750 §2.1 b64token / RFC 9110 token68. */
    private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    private static final Pattern ACCESS_TOKEN_PARAM = Pattern.compile("(^|&)access_token(=|&|$)");

    private final AccessTokenValidator validator;
    private final URI resource;
    private final String realm;
    private final DpopProofVerifier dpop;
    private final boolean dpopRequired;
    private final List<String> scopesSupported;
    private final String metadataJson;

    private ResourceServer(Builder b) {
        this.validator = b.validator;
        this.resource = b.resource;
        this.realm = b.realm;
        this.dpopRequired = b.dpopRequired;
        this.dpop = new DpopProofVerifier(
                b.dpopAlgorithms,
                DpopProofVerifier.DEFAULT_MAX_AGE,
                validator.clockSkew(),
                b.replayStore,
                validator.clock());
        this.scopesSupported = List.copyOf(b.scopesSupported);
        this.metadataJson = metadata(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Authenticates the request's access token.
     *
     * @throws TokenRejectedException {@code invalid_request}, {@code invalid_token}, {@code invalid_dpop_proof},
     *                                or no credentials
     */
    public AccessToken authenticate(HttpRequestView request) throws TokenRejectedException {
        String query = request.uri().getRawQuery();
        if (query != null && ACCESS_TOKEN_PARAM.matcher(query).find()) {
            throw new TokenRejectedException(
                    Rejection.invalidRequest("access tokens are accepted in the Authorization header only"));
        }
        List<String> authorization = request.headers("Authorization");
        if (authorization.size() > 1) {
            throw new TokenRejectedException(Rejection.invalidRequest("more than one Authorization header"));
        }
        if (authorization.isEmpty()) {
            throw new TokenRejectedException(Rejection.of(BearerError.MISSING_CREDENTIALS, "no access token"));
        }
        String value = authorization.get(0).trim();
        int space = value.indexOf(' ');
        String scheme = (space < 0 ? value : value.substring(0, space)).toLowerCase(Locale.ROOT);
        if (!scheme.equals("bearer") && !scheme.equals("dpop")) {
            throw new TokenRejectedException(Rejection.of(BearerError.MISSING_CREDENTIALS, "no access token"));
        }
        String token = space < 0 ? "" : value.substring(space + 1).trim();
        if (!TOKEN68.matcher(token).matches()) {
            throw new TokenRejectedException(
                    Rejection.invalidRequest("the Authorization header must carry one token after the scheme"));
        }
        AccessToken accessToken = validator.validate(token);
        if (scheme.equals("bearer")) {
            if (accessToken.isDpopBound()) {
                throw new TokenRejectedException(
                        Rejection.invalidToken("a DPoP-bound token must be sent with the DPoP scheme"));
            }
            if (dpopRequired) {
                throw new TokenRejectedException(Rejection.invalidToken("this API accepts DPoP-bound tokens only"));
            }
            return accessToken;
        }
        if (!accessToken.isDpopBound()) {
            throw new TokenRejectedException(Rejection.invalidToken("the token is not DPoP-bound (no cnf.jkt)"));
        }
        List<String> proofs = request.headers("DPoP");
        if (proofs.size() != 1) {
            throw new TokenRejectedException(
                    Rejection.invalidDpopProof("exactly one DPoP header is required, got " + proofs.size()));
        }
        dpop.verify(proofs.get(0), request.method(), request.uri(), token, accessToken.jkt());
        return accessToken;
    }

    /** Checks a valid token against an operation's requirement ({@code insufficient_scope}, step-up). */
    public void authorize(AccessToken token, Requirement requirement) throws TokenRejectedException {
        requirement.check(token, validator.clock());
    }

    /**
     * The {@code WWW-Authenticate} values for a refusal: a {@code Bearer} challenge (RFC 6750 §3, RFC 9470 §3,
     * with {@code resource_metadata} per RFC 9728 §5.1) and a {@code DPoP} challenge (RFC 9449 §7.1) naming the
     * accepted proof algorithms; the error goes on the challenge of the scheme it concerns.
     */
    public List<String> challenges(Rejection rejection) {
        List<String> result = new ArrayList<>(2);
        boolean dpopError = rejection.error() == BearerError.INVALID_DPOP_PROOF;
        StringBuilder bearer =
                new StringBuilder("Bearer realm=\"").append(quote(realm)).append('"');
        if (!dpopError) {
            appendError(bearer, rejection);
        }
        bearer.append(", resource_metadata=\"").append(metadataUri()).append('"');
        StringBuilder dpopChallenge =
                new StringBuilder("DPoP realm=\"").append(quote(realm)).append('"');
        if (dpopError) {
            appendError(dpopChallenge, rejection);
        }
        dpopChallenge.append(", algs=\"").append(String.join(" ", sortedAlgs())).append('"');
        if (!dpopRequired) {
            result.add(bearer.toString());
        }
        result.add(dpopChallenge.toString());
        return result;
    }

    private static void appendError(StringBuilder header, Rejection rejection) {
        if (rejection.error().code() == null) {
            return;
        }
        header.append(", error=\"").append(rejection.error().code()).append('"');
        header.append(", error_description=\"")
                .append(quote(rejection.description()))
                .append('"');
        if (!rejection.scope().isEmpty()) {
            header.append(", scope=\"")
                    .append(String.join(" ", rejection.scope()))
                    .append('"');
        }
        if (!rejection.acrValues().isEmpty()) {
            header.append(", acr_values=\"")
                    .append(String.join(" ", rejection.acrValues()))
                    .append('"');
        }
        if (rejection.maxAge() != null) {
            header.append(", max_age=").append(rejection.maxAge().toSeconds());
        }
    }

    /** RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E; anything else is dropped. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private List<String> sortedAlgs() {
        return dpop.algorithms().stream().map(JWSAlgorithm::getName).sorted().toList();
    }

    /**
     * Where the protected-resource metadata is served (RFC 9728 §3.1): the well-known path inserted between the
     * resource's host and its path.
     */
    public URI metadataUri() {
        String path = resource.getRawPath() == null || resource.getRawPath().equals("/") ? "" : resource.getRawPath();
        return URI.create(resource.getScheme() + "://" + resource.getRawAuthority()
                + "/.well-known/oauth-protected-resource" + path);
    }

    /** The path part of {@link #metadataUri()}, for adapters that route on paths. */
    public String metadataPath() {
        return metadataUri().getRawPath();
    }

    /** The RFC 9728 protected-resource metadata document, as JSON. */
    public String metadataJson() {
        return metadataJson;
    }

    public AccessTokenValidator validator() {
        return validator;
    }

    private String metadata(Builder b) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", resource.toString());
        doc.put("authorization_servers", List.of(validator.issuer()));
        if (!scopesSupported.isEmpty()) {
            doc.put("scopes_supported", List.copyOf(scopesSupported));
        }
        doc.put("bearer_methods_supported", List.of("header"));
        doc.put("dpop_signing_alg_values_supported", sortedAlgs());
        doc.put("dpop_bound_access_tokens_required", b.dpopRequired);
        if (b.resourceName != null) {
            doc.put("resource_name", b.resourceName);
        }
        return JSONObjectUtils.toJSONString(doc);
    }

    /** Builds a {@link ResourceServer}; {@link #validator} and {@link #resource} are required. */
    public static final class Builder {
        private AccessTokenValidator validator;
        private URI resource;
        private String realm = "api";
        private String resourceName;
        private boolean dpopRequired;
        private Set<JWSAlgorithm> dpopAlgorithms = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256);
        private DpopReplayStore replayStore;
        private Set<String> scopesSupported = Set.of();

        private Builder() {}

        public Builder validator(AccessTokenValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /** The resource identifier (RFC 9728 §1.2): an https URL without query or fragment, e.g. the API's base URL. */
        public Builder resource(URI resource) {
            Objects.requireNonNull(resource, "resource");
            if (!resource.isAbsolute()
                    || !("https".equals(resource.getScheme()) || "http".equals(resource.getScheme()))
                    || resource.getRawQuery() != null
                    || resource.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        "resource must be an http(s) URL without query or fragment, got " + resource);
            }
            this.resource = resource;
            return this;
        }

        /** The {@code realm} of the challenges; default {@code api}. */
        public Builder realm(String realm) {
            Objects.requireNonNull(realm, "realm");
            if (realm.isBlank() || !quote(realm).equals(realm)) {
                throw new IllegalArgumentException(
                        "realm must be printable ASCII without quotes or backslashes, got '" + realm + "'");
            }
            this.realm = realm;
            return this;
        }

        /** A human-readable name in the metadata ({@code resource_name}). */
        public Builder resourceName(String name) {
            this.resourceName = Objects.requireNonNull(name, "resourceName");
            return this;
        }

        /** The scopes this API understands, published as {@code scopes_supported}. */
        public Builder scopesSupported(String... scopes) {
            this.scopesSupported = new LinkedHashSet<>(List.of(scopes));
            return this;
        }

        /** Refuse Bearer tokens: only DPoP-bound tokens with a proof are accepted. Default off. */
        public Builder requireDpop(boolean required) {
            this.dpopRequired = required;
            return this;
        }

        /** Accepted DPoP proof algorithms; default ES256 and PS256. */
        public Builder dpopAlgorithms(JWSAlgorithm... algs) {
            if (algs.length == 0) {
                throw new IllegalArgumentException("dpopAlgorithms needs at least one algorithm");
            }
            this.dpopAlgorithms = Set.of(algs);
            return this;
        }

        /** Where used DPoP proof ids are remembered; default an {@link InMemoryDpopReplayStore} of this instance. */
        public Builder dpopReplayStore(DpopReplayStore store) {
            this.replayStore = Objects.requireNonNull(store, "dpopReplayStore");
            return this;
        }

        public ResourceServer build() {
            if (validator == null) {
                throw new IllegalStateException("validator is required");
            }
            if (resource == null) {
                throw new IllegalStateException(
                        "resource is required (the API's identifier, e.g. https://api.example.com)");
            }
            if (replayStore == null) {
                replayStore =
                        new InMemoryDpopReplayStore(InMemoryDpopReplayStore.DEFAULT_MAX_ENTRIES, validator.clock());
            }
            return new ResourceServer(this);
        }
    }
}
