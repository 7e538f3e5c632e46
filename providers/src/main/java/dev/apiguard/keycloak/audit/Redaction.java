package dev.apiguard.keycloak.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What of an event may enter an audit record. Everything is an allow-list: a detail key, a
 * representation field or a client attribute not named here is left out, so a field Keycloak adds
 * in a later version (or an extension's detail) never leaks a secret by default.
 *
 * <ul>
 *   <li>event details: {@link #DETAILS}; values cut at {@value #MAX_VALUE} characters; the
 *       {@code redirect_uri} loses its query and fragment (they can carry a code or state);</li>
 *   <li>admin representations: {@link #REPRESENTATION_FIELDS} at the top level and in each element
 *       of an array (role mappings, group lists), scalars and lists of scalars only, at most
 *       {@value #MAX_LIST} elements; client attributes only {@link #CLIENT_ATTRIBUTES}. No
 *       {@code secret}, {@code credentials}, {@code value}, {@code config} (component and
 *       identity-provider configurations hold keys and secrets) is ever copied;</li>
 *   <li>addresses: {@code plain}, {@code truncate} (IPv4 /24, IPv6 /48) or {@code hash}
 *       (HMAC-SHA256 with the operator's key, hex, first 32 characters);</li>
 *   <li>user names: {@code plain}, {@code hash} (the same keyed hash) or {@code omit}.</li>
 * </ul>
 */
public final class Redaction {

    public enum AddressMode {
        PLAIN,
        TRUNCATE,
        HASH
    }

    /** Also applied to the {@code username} of admin representations. */
    public enum UserNameMode {
        PLAIN,
        HASH,
        OMIT
    }

    static final int MAX_VALUE = 256;
    static final int MAX_LIST = 50;

    /** Event detail keys that enter a record (Keycloak's {@code Details} names and API Guard's own). */
    static final Set<String> DETAILS = Set.of(
            "auth_method",
            "auth_type",
            "redirect_uri",
            "consent",
            "grant_type",
            "response_type",
            "response_mode",
            "scope",
            "reason",
            "custom_required_action",
            "identity_provider",
            "remember_me",
            "client_auth_method",
            "requested_issuer",
            "audience",
            "credential_type",
            "validate_access_token",
            "revoked_client",
            "token_type",
            "subject_token_type",
            "requested_token_type",
            "acr",
            // identifiers (jti) of issued tokens, never the tokens: they correlate a record with a token
            "token_id",
            "refresh_token_id",
            "updated_refresh_token_id",
            // API Guard's decisions
            "apiguard_action",
            "apiguard_policy",
            "apiguard_condition",
            "kid",
            "algorithm",
            "state",
            "from",
            "actor",
            // the rate limiter's refusals (apiguard_key is left out: it may be an address prefix or a username digest)
            "apiguard_rule",
            "apiguard_key_kind",
            "apiguard_mode",
            "apiguard_endpoint",
            "apiguard_retry_after");

    /** Fields of an admin event's representation that enter a record. */
    static final Set<String> REPRESENTATION_FIELDS = Set.of(
            "id",
            "clientId",
            "name",
            "enabled",
            "protocol",
            "publicClient",
            "bearerOnly",
            "consentRequired",
            "serviceAccountsEnabled",
            "standardFlowEnabled",
            "implicitFlowEnabled",
            "directAccessGrantsEnabled",
            "frontchannelLogout",
            "redirectUris",
            "webOrigins",
            "rootUrl",
            "baseUrl",
            "clientAuthenticatorType",
            "defaultClientScopes",
            "optionalClientScopes",
            "username",
            "emailVerified",
            "requiredActions",
            "groups",
            "realmRoles",
            "composite",
            "clientRole",
            "containerId",
            "path",
            "providerId",
            "providerType",
            "parentId",
            "alias",
            "realm",
            "type",
            "temporary",
            "kid",
            "algorithm",
            "state",
            "from",
            "reason",
            "attributes");

    /** Client attributes (inside {@code attributes}) that enter a record. */
    static final Set<String> CLIENT_ATTRIBUTES = Set.of(
            "pkce.code.challenge.method",
            "post.logout.redirect.uris",
            "access.token.lifespan",
            "oauth2.device.authorization.grant.enabled",
            "oidc.ciba.grant.enabled",
            "use.refresh.tokens",
            "dpop.bound.access.tokens",
            "tls.client.certificate.bound.access.tokens",
            "require.pushed.authorization.requests",
            "access.token.signed.response.alg",
            "token.endpoint.auth.signing.alg");

    private final AddressMode addressMode;
    private final UserNameMode userNameMode;
    private final SecretKeySpec key;

    /**
     * @param pseudonymKey key of the keyed hash; required (at least 16 bytes) when a mode is {@code hash}
     */
    public Redaction(AddressMode addressMode, UserNameMode userNameMode, byte[] pseudonymKey) {
        this.addressMode = addressMode;
        this.userNameMode = userNameMode;
        boolean hashing = addressMode == AddressMode.HASH || userNameMode == UserNameMode.HASH;
        if (hashing && (pseudonymKey == null || pseudonymKey.length < 16)) {
            throw new IllegalArgumentException(
                    "hashing addresses or user names needs a pseudonym key of at least 16 bytes, got "
                            + (pseudonymKey == null ? "none" : pseudonymKey.length + " bytes"));
        }
        this.key = hashing ? new SecretKeySpec(pseudonymKey.clone(), "HmacSHA256") : null;
    }

    public static Redaction plain() {
        return new Redaction(AddressMode.PLAIN, UserNameMode.PLAIN, null);
    }

    /** The address as the record shows it, or null. */
    public String address(String ip) {
        if (ip == null || ip.isBlank()) {
            return null;
        }
        return switch (addressMode) {
            case PLAIN -> ip;
            case HASH -> hash(ip);
            case TRUNCATE -> truncate(ip);
        };
    }

    /** The user name as the record shows it, or null. */
    public String userName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        return switch (userNameMode) {
            case PLAIN -> cut(name);
            case HASH -> hash(name.toLowerCase(Locale.ROOT));
            case OMIT -> null;
        };
    }

    /** The allowed details, in key order, values cut. */
    public Map<String, Object> details(Map<String, String> details) {
        // A sorted map iterates in key order, as the record writes the details; a handful of entries per event.
        Map<String, Object> out = new TreeMap<>();
        if (details == null) {
            return out;
        }
        for (Map.Entry<String, String> e : details.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key != null && value != null && DETAILS.contains(key)) {
                out.put(key, "redirect_uri".equals(key) ? withoutQuery(value) : cut(value));
            }
        }
        return out;
    }

    /**
     * The allowed part of an admin representation (parsed JSON: a map, a list or a scalar); null
     * when nothing is left.
     */
    public Object representation(Object parsed) {
        if (parsed instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (!REPRESENTATION_FIELDS.contains(name)) {
                    continue;
                }
                Object value = "attributes".equals(name)
                        ? attributes(e.getValue())
                        : "username".equals(name) && e.getValue() instanceof String username
                                ? userName(username)
                                : scalarOrList(e.getValue());
                if (value != null) {
                    out.put(name, value);
                }
            }
            return out.isEmpty() ? null : out;
        }
        if (parsed instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object element : list) {
                if (out.size() == MAX_LIST) {
                    break;
                }
                Object kept = element instanceof Map<?, ?> ? representation(element) : null;
                if (kept != null) {
                    out.add(kept);
                }
            }
            return out.isEmpty() ? null : out;
        }
        // A bare scalar representation (rare) says nothing an allow-list can vouch for.
        return null;
    }

    private static Object attributes(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (CLIENT_ATTRIBUTES.contains(name)) {
                Object kept = scalarOrList(e.getValue());
                if (kept != null) {
                    out.put(name, kept);
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static Object scalarOrList(Object value) {
        if (value instanceof String s) {
            return cut(s);
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object element : list) {
                if (out.size() == MAX_LIST) {
                    break;
                }
                if (element instanceof String s) {
                    out.add(cut(s));
                } else if (element instanceof Boolean || element instanceof Integer || element instanceof Long) {
                    out.add(element);
                }
            }
            return out;
        }
        return null;
    }

    static String withoutQuery(String uri) {
        int end = uri.length();
        int query = uri.indexOf('?');
        int fragment = uri.indexOf('#');
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return cut(uri.substring(0, end));
    }

    static String cut(String value) {
        return value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE) + "...";
    }

    private String hash(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // HmacSHA256 is in every JDK; the key was checked in the constructor.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static String truncate(String ip) {
        // Only literal addresses are parsed (no name lookup): Keycloak hands the remote address.
        if (!ip.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(ip).getAddress();
            if (bytes.length == 4) {
                return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0";
            }
            byte[] kept = new byte[16];
            System.arraycopy(bytes, 0, kept, 0, 6);
            return InetAddress.getByAddress(kept).getHostAddress();
        } catch (UnknownHostException e) {
            // Not an address: say nothing rather than pass it through.
            return null;
        }
    }
}
