package dev.apiguard.keycloak.abac;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes a condition may read, as CEL variables. A variable that has no value for a
 * request (no acr on a client-credentials grant, a user without e-mail) is left unbound: a
 * condition that reads it cannot be decided and fails closed at the token endpoint.
 */
public final class PolicyVariables {

    public static final String USER_ID = "user.id";
    public static final String USER_USERNAME = "user.username";
    public static final String USER_EMAIL = "user.email";
    public static final String USER_EMAIL_VERIFIED = "user.emailVerified";
    /** Every attribute of the user: name to its values. Only attributes users cannot edit may be read. */
    public static final String USER_ATTRIBUTES = "user.attributes";
    /** Effective realm roles (composites expanded). */
    public static final String USER_REALM_ROLES = "user.realmRoles";
    /** Effective client roles: clientId to role names. */
    public static final String USER_CLIENT_ROLES = "user.clientRoles";
    /** Group paths, e.g. "/sales/emea". */
    public static final String USER_GROUPS = "user.groups";

    public static final String USER_SERVICE_ACCOUNT = "user.serviceAccount";
    public static final String CLIENT_ID = "client.id";
    public static final String CLIENT_ATTRIBUTES = "client.attributes";
    /** authorization_code, refresh_token, client_credentials, token-exchange URN. */
    public static final String REQUEST_GRANT_TYPE = "request.grantType";

    public static final String REQUEST_SCOPES = "request.scopes";
    public static final String REQUEST_SOURCE_IP = "request.sourceIp";
    /** The scope being decided. */
    public static final String SCOPE = "scope";

    public static final String AUTH_ACR = "auth.acr";
    public static final String AUTH_AMR = "auth.amr";
    /** auth_time, seconds since the epoch. */
    public static final String AUTH_TIME = "auth.time";

    public static final String NOW = "now";

    private static final CelType STRINGS = ListType.create(SimpleType.STRING);

    /** Every variable and its CEL type, in documentation order. */
    public static final Map<String, CelType> TYPES;

    static {
        Map<String, CelType> types = new LinkedHashMap<>();
        types.put(USER_ID, SimpleType.STRING);
        types.put(USER_USERNAME, SimpleType.STRING);
        types.put(USER_EMAIL, SimpleType.STRING);
        types.put(USER_EMAIL_VERIFIED, SimpleType.BOOL);
        types.put(USER_ATTRIBUTES, MapType.create(SimpleType.STRING, STRINGS));
        types.put(USER_REALM_ROLES, STRINGS);
        types.put(USER_CLIENT_ROLES, MapType.create(SimpleType.STRING, STRINGS));
        types.put(USER_GROUPS, STRINGS);
        types.put(USER_SERVICE_ACCOUNT, SimpleType.BOOL);
        types.put(CLIENT_ID, SimpleType.STRING);
        types.put(CLIENT_ATTRIBUTES, MapType.create(SimpleType.STRING, SimpleType.STRING));
        types.put(REQUEST_GRANT_TYPE, SimpleType.STRING);
        types.put(REQUEST_SCOPES, STRINGS);
        types.put(REQUEST_SOURCE_IP, SimpleType.STRING);
        types.put(SCOPE, SimpleType.STRING);
        types.put(AUTH_ACR, SimpleType.STRING);
        types.put(AUTH_AMR, STRINGS);
        types.put(AUTH_TIME, SimpleType.INT);
        types.put(NOW, SimpleType.TIMESTAMP);
        TYPES = java.util.Collections.unmodifiableMap(types);
    }

    private PolicyVariables() {}
}
