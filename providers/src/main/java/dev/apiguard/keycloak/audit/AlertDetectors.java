package dev.apiguard.keycloak.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nine detectors, evaluated on each audit record in outbox order by the background
 * {@link AlertConsumer} (never on a request thread). Time is the record's own time, so a replay
 * of the same records gives the same alerts. Each detector and realm keeps its state in a bounded
 * map (at most {@value #MAX_KEYS} keys, least recently used first out; distinct-user windows at most
 * {@value #MAX_USERS_PER_KEY} users per key):
 * <ul>
 *   <li>{@code credential-stuffing}: login failures (wrong password, unknown user, disabled or
 *       locked user) from one address for {@code threshold} distinct users within {@code window};</li>
 *   <li>{@code password-spraying}: one address failing for {@code threshold} distinct users with at
 *       most {@code maxAttemptsPerUser} failures each within {@code window};</li>
 *   <li>{@code user-failures}: {@code threshold} login failures for one user (any address) within
 *       {@code window};</li>
 *   <li>{@code token-errors}: {@code threshold} token-endpoint errors of one client (or of the realm)
 *       within {@code window}, counted on Keycloak's records: a record of an API Guard decision
 *       ({@code apiguard.decision}) is left out, so a request an executor refuses counts once
 *       (Keycloak records the refusal too), a scope withheld from a granted request counts not at
 *       all; the rate limiter's records (refusals, shadow refusals, warnings) are left out too;</li>
 *   <li>{@code refresh-token-reuse}: API Guard refused a reused refresh token (once per user and
 *       window);</li>
 *   <li>{@code client-redirect}: an admin create or update of a client whose redirect URIs hold a
 *       wildcard (a bare {@code *}, or one in scheme or host; a trailing path wildcard only when
 *       {@code allowPathWildcard} is false) or a URI outside {@code redirectBaseline};</li>
 *   <li>{@code admin-role-grant}: an admin role-mapping create (user or group) that grants one of
 *       {@code roles};</li>
 *   <li>{@code second-factor-removed}: {@code REMOVE_CREDENTIAL} (other than a password),
 *       {@code REMOVE_TOTP} without a credential type (Keycloak 26 sends one with a type alongside
 *       the {@code REMOVE_CREDENTIAL} of the same removal), or an administrator's deletion of a
 *       user's credential other than a password (admin operation {@code ACTION}, as Keycloak 26
 *       records it, or {@code DELETE});</li>
 *   <li>{@code rate-limit-spike}: {@code threshold} enforced rate-limit refusals of one rule (or the
 *       realm) within {@code window}.</li>
 * </ul>
 * A counting detector fires once when its count reaches the threshold, then stays silent for that
 * key for one window ("once per window"), and starts counting afresh.
 */
final class AlertDetectors {

    static final int MAX_KEYS = 10_000;
    static final int MAX_USERS_PER_KEY = 4_000;

    /** Login failures that say "someone tried credentials": Keycloak's error codes. */
    static final Set<String> LOGIN_FAILURES = Set.of(
            "invalid_user_credentials",
            "user_not_found",
            "invalid_user",
            "user_disabled",
            "user_temporarily_disabled",
            "invalid_authentication");

    private static final java.util.regex.Pattern CREDENTIAL_PATH =
            java.util.regex.Pattern.compile("users/[^/]+/credentials/[^/]+");

    static final Set<String> TOKEN_ERROR_TYPES = Set.of(
            "CODE_TO_TOKEN_ERROR",
            "REFRESH_TOKEN_ERROR",
            "CLIENT_LOGIN_ERROR",
            "TOKEN_EXCHANGE_ERROR",
            "OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR",
            "AUTHREQID_TO_TOKEN_ERROR",
            "PERMISSION_TOKEN_ERROR");

    /** One alert: what fired, on which key, with which count. Only values already in a record (redacted). */
    record Alert(
            String detector,
            String severity,
            String keyKind,
            String key,
            long count,
            int threshold,
            long windowMillis,
            String reason,
            Map<String, Object> facts) {}

    private final Map<String, Lru<Counter>> counters = new HashMap<>();
    private final Map<String, Lru<Distinct>> distincts = new HashMap<>();

    /** Forgets every window (after a failed pass, or before a warm-up). */
    void clear() {
        counters.clear();
        distincts.clear();
    }

    /**
     * Feeds one record (not an alert) recorded at {@code time} in realm {@code realmId}; returns the
     * alerts it completes (empty when {@code emit} is false: a warm-up fills windows only).
     */
    List<Alert> observe(String realmId, Map<String, Object> record, long time, AlertPolicy policy, boolean emit) {
        if (!policy.enabled()) {
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>(0);
        String type = text(record, "keycloak", "type");
        String error = text(record, "error", "code");
        String outcome = text(record, "event", "outcome");
        if ("LOGIN_ERROR".equals(type) && error != null && LOGIN_FAILURES.contains(error)) {
            loginFailure(realmId, record, time, policy, emit, alerts);
        }
        Object decision = group(record, "apiguard").get("decision");
        if (type != null
                && TOKEN_ERROR_TYPES.contains(type)
                && decision == null
                && (error == null || !error.startsWith("rate_limit"))) {
            AlertPolicy.Detector d = policy.on(AlertPolicy.TOKEN_ERRORS);
            if (d != null) {
                String client = text(record, "keycloak", "client_id");
                boolean perRealm = "realm".equals(d.per()) || client == null;
                count(
                        AlertPolicy.TOKEN_ERRORS,
                        realmId,
                        perRealm ? "realm" : "client",
                        perRealm ? "realm" : client,
                        d,
                        time,
                        emit,
                        alerts,
                        Map.of(),
                        "token-endpoint errors");
            }
        }
        if ("rate_limited".equals(error)) {
            AlertPolicy.Detector d = policy.on(AlertPolicy.RATE_LIMIT_SPIKE);
            if (d != null) {
                String rule = text(record, "keycloak", "details", "apiguard_rule");
                count(
                        AlertPolicy.RATE_LIMIT_SPIKE,
                        realmId,
                        rule == null ? "realm" : "rule",
                        rule == null ? "realm" : rule,
                        d,
                        time,
                        emit,
                        alerts,
                        Map.of(),
                        "rate-limit refusals");
            }
        }
        if ("refresh_token_reuse".equals(decision)) {
            AlertPolicy.Detector d = policy.on(AlertPolicy.REFRESH_TOKEN_REUSE);
            if (d != null) {
                String user = text(record, "user", "id");
                String client = text(record, "keycloak", "client_id");
                count(
                        AlertPolicy.REFRESH_TOKEN_REUSE,
                        realmId,
                        user != null ? "user" : "client",
                        user != null ? user : String.valueOf(client),
                        d,
                        time,
                        emit,
                        alerts,
                        Map.of(),
                        "reused refresh tokens");
            }
        }
        if ("success".equals(outcome) && type != null) {
            if (type.startsWith("ADMIN_")) {
                adminEvent(record, type, policy, emit, alerts);
            } else if (type.equals("REMOVE_TOTP") || type.equals("REMOVE_CREDENTIAL")) {
                String credentialType = text(record, "keycloak", "details", "credential_type");
                // Keycloak 26 emits REMOVE_TOTP (deprecated) as a clone of the REMOVE_CREDENTIAL of the same OTP
                // removal, credential type included: only a REMOVE_TOTP without a type stands for a removal alone.
                boolean duplicate = type.equals("REMOVE_TOTP") && credentialType != null;
                AlertPolicy.Detector d = policy.on(AlertPolicy.SECOND_FACTOR_REMOVED);
                if (d != null && emit && !duplicate && !"password".equals(credentialType)) {
                    String user = text(record, "user", "id");
                    Map<String, Object> facts = new LinkedHashMap<>();
                    facts.put("credential_type", credentialType == null ? "unknown" : credentialType);
                    facts.put("by", "user");
                    alerts.add(single(
                            AlertPolicy.SECOND_FACTOR_REMOVED,
                            d,
                            "user",
                            String.valueOf(user),
                            facts,
                            "a second factor was removed by its user"));
                }
            }
        }
        return alerts;
    }

    /** Remembers an alert record seen in the outbox (this node's or another's): its key stays silent for its window. */
    void observeAlert(String realmId, Map<String, Object> alertRecord, long time) {
        Map<String, Object> alert = group(group(alertRecord, "apiguard"), "alert");
        Object detector = alert.get("detector");
        Object kind = alert.get("key_kind");
        Object key = alert.get("key");
        Object window = alert.get("window_seconds");
        if (!(detector instanceof String name) || kind == null || key == null || !(window instanceof Number seconds)) {
            return;
        }
        String id = realmId + '\n' + kind + '\n' + key;
        long until = time + seconds.longValue() * 1000L;
        if (name.equals(AlertPolicy.CREDENTIAL_STUFFING) || name.equals(AlertPolicy.PASSWORD_SPRAYING)) {
            Distinct state = lru(distincts, name).computeIfAbsent(id, Distinct::new);
            state.silentUntil = Math.max(state.silentUntil, until);
        } else if (seconds.longValue() > 0) {
            Counter state = lru(counters, name).computeIfAbsent(id, Counter::new);
            state.silentUntil = Math.max(state.silentUntil, until);
        }
    }

    private void loginFailure(
            String realmId,
            Map<String, Object> record,
            long time,
            AlertPolicy policy,
            boolean emit,
            List<Alert> alerts) {
        String address = text(record, "source", "ip");
        String userName = text(record, "user", "name");
        String userId = text(record, "user", "id");
        String user = userName != null ? userName : userId;
        if (user != null) {
            AlertPolicy.Detector d = policy.on(AlertPolicy.USER_FAILURES);
            if (d != null) {
                Map<String, Object> facts = new LinkedHashMap<>();
                if (userId != null) {
                    facts.put("user_id", userId);
                }
                if (userName != null) {
                    facts.put("user_name", userName);
                }
                count(
                        AlertPolicy.USER_FAILURES,
                        realmId,
                        "user",
                        user,
                        d,
                        time,
                        emit,
                        alerts,
                        facts,
                        "login failures for one user");
            }
        }
        if (address == null || user == null) {
            return;
        }
        AlertPolicy.Detector stuffing = policy.on(AlertPolicy.CREDENTIAL_STUFFING);
        if (stuffing != null) {
            Distinct state = lru(distincts, AlertPolicy.CREDENTIAL_STUFFING)
                    .computeIfAbsent(realmId + "\naddress\n" + address, Distinct::new);
            state.add(user, time, stuffing.windowMillis(), Integer.MAX_VALUE);
            state.failures++;
            if (state.users.size() >= stuffing.threshold() && time >= state.silentUntil) {
                if (emit) {
                    alerts.add(new Alert(
                            AlertPolicy.CREDENTIAL_STUFFING,
                            stuffing.severity(),
                            "address",
                            address,
                            state.users.size(),
                            stuffing.threshold(),
                            stuffing.windowMillis(),
                            "login failures from one address for " + state.users.size() + " distinct users",
                            Map.of("failures_counted", state.failures)));
                }
                state.silentUntil = time + stuffing.windowMillis();
                state.reset();
            }
        }
        AlertPolicy.Detector spraying = policy.on(AlertPolicy.PASSWORD_SPRAYING);
        if (spraying != null) {
            Distinct state = lru(distincts, AlertPolicy.PASSWORD_SPRAYING)
                    .computeIfAbsent(realmId + "\naddress\n" + address, Distinct::new);
            state.add(user, time, spraying.windowMillis(), spraying.maxAttemptsPerUser());
            if (state.few >= spraying.threshold() && time >= state.silentUntil) {
                if (emit) {
                    alerts.add(new Alert(
                            AlertPolicy.PASSWORD_SPRAYING,
                            spraying.severity(),
                            "address",
                            address,
                            state.few,
                            spraying.threshold(),
                            spraying.windowMillis(),
                            "one address tried " + state.few + " users with at most " + spraying.maxAttemptsPerUser()
                                    + " failures each",
                            Map.of("max_attempts_per_user", spraying.maxAttemptsPerUser())));
                }
                state.silentUntil = time + spraying.windowMillis();
                state.reset();
            }
        }
    }

    private void adminEvent(
            Map<String, Object> record, String type, AlertPolicy policy, boolean emit, List<Alert> alerts) {
        if (!emit) {
            return;
        }
        String resource = text(record, "keycloak", "resource_type");
        String path = text(record, "keycloak", "resource_path");
        Object representation = group(record, "keycloak").get("representation");
        if ("CLIENT".equals(resource) && (type.equals("ADMIN_CREATE") || type.equals("ADMIN_UPDATE"))) {
            AlertPolicy.Detector d = policy.on(AlertPolicy.CLIENT_REDIRECT);
            if (d != null
                    && representation instanceof Map<?, ?> client
                    && client.get("redirectUris") instanceof List<?> uris) {
                List<String> wildcard = new ArrayList<>();
                List<String> outside = new ArrayList<>();
                for (Object uri : uris) {
                    if (uri instanceof String s) {
                        if (wildcard(s, d.allowPathWildcard())) {
                            wildcard.add(s);
                        }
                        if (!d.redirectBaseline().isEmpty()
                                && d.redirectBaseline().stream().noneMatch(s::startsWith)) {
                            outside.add(s);
                        }
                    }
                }
                if (!wildcard.isEmpty() || !outside.isEmpty()) {
                    Object clientId = client.get("clientId");
                    Map<String, Object> facts = new LinkedHashMap<>();
                    facts.put("operation", type.equals("ADMIN_CREATE") ? "create" : "update");
                    if (!wildcard.isEmpty()) {
                        facts.put("wildcard_redirect_uris", first(wildcard));
                    }
                    if (!outside.isEmpty()) {
                        facts.put("off_baseline_redirect_uris", first(outside));
                    }
                    alerts.add(single(
                            AlertPolicy.CLIENT_REDIRECT,
                            d,
                            "client",
                            clientId == null ? String.valueOf(path) : clientId.toString(),
                            facts,
                            !wildcard.isEmpty()
                                    ? "a client was saved with a wildcard redirect URI"
                                    : "a client was saved with a redirect URI outside the baseline"));
                }
            }
        } else if (type.equals("ADMIN_CREATE")
                && ("REALM_ROLE_MAPPING".equals(resource) || "CLIENT_ROLE_MAPPING".equals(resource))) {
            AlertPolicy.Detector d = policy.on(AlertPolicy.ADMIN_ROLE_GRANT);
            if (d != null && representation instanceof List<?> roles) {
                List<String> granted = new ArrayList<>();
                for (Object role : roles) {
                    if (role instanceof Map<?, ?> map
                            && map.get("name") instanceof String name
                            && d.roles().contains(name)) {
                        granted.add(name);
                    }
                }
                if (!granted.isEmpty()) {
                    String[] subject = subject(path);
                    Map<String, Object> facts = new LinkedHashMap<>();
                    facts.put("roles", first(granted));
                    facts.put("grantee_kind", subject[0]);
                    facts.put("grantee_id", subject[1]);
                    alerts.add(single(
                            AlertPolicy.ADMIN_ROLE_GRANT,
                            d,
                            subject[0],
                            subject[1],
                            facts,
                            "an administrator role was granted"));
                }
            }
        } else if ((type.equals("ADMIN_ACTION") || type.equals("ADMIN_DELETE"))
                && "USER".equals(resource)
                && path != null
                && CREDENTIAL_PATH.matcher(path).matches()) {
            // Keycloak 26 records DELETE users/{id}/credentials/{id} as operation ACTION
            // (UserResource.removeCredential) with the credential's type in the details; DELETE is
            // accepted too. The alert's key is the user whose credential was removed.
            String credentialType = text(record, "keycloak", "details", "credential_type");
            AlertPolicy.Detector d = policy.on(AlertPolicy.SECOND_FACTOR_REMOVED);
            if (d != null && !"password".equals(credentialType)) {
                String user = path.split("/")[1];
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("credential_type", credentialType == null ? "unknown" : credentialType);
                facts.put("by", "administrator");
                alerts.add(single(
                        AlertPolicy.SECOND_FACTOR_REMOVED,
                        d,
                        "user",
                        user,
                        facts,
                        "an administrator deleted a credential of a user"));
            }
        }
    }

    /** Whether a redirect URI holds a wildcard that matters: bare, in scheme or host, or (if not allowed) in the path. */
    static boolean wildcard(String uri, boolean allowPathWildcard) {
        int star = uri.indexOf('*');
        if (star < 0) {
            return false;
        }
        if (star != uri.length() - 1) {
            return true;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return true;
        }
        int pathStart = uri.indexOf('/', scheme + 3);
        if (pathStart < 0 || pathStart > star) {
            return true;
        }
        return !allowPathWildcard;
    }

    /** "users"/"groups" and the id from {@code users/<id>/role-mappings/...}. */
    private static String[] subject(String path) {
        if (path != null) {
            String[] parts = path.split("/");
            if (parts.length >= 2) {
                return new String[] {parts[0].equals("groups") ? "group" : "user", parts[1]};
            }
        }
        return new String[] {"user", "unknown"};
    }

    private static List<String> first(List<String> values) {
        return values.size() <= 10 ? List.copyOf(values) : List.copyOf(values.subList(0, 10));
    }

    private static Alert single(
            String detector,
            AlertPolicy.Detector d,
            String keyKind,
            String key,
            Map<String, Object> facts,
            String reason) {
        return new Alert(detector, d.severity(), keyKind, key, 1, 1, 0, reason, facts);
    }

    private void count(
            String detector,
            String realmId,
            String keyKind,
            String key,
            AlertPolicy.Detector d,
            long time,
            boolean emit,
            List<Alert> alerts,
            Map<String, Object> facts,
            String what) {
        Counter state = lru(counters, detector).computeIfAbsent(realmId + '\n' + keyKind + '\n' + key, Counter::new);
        int total = state.add(time, d.windowMillis());
        if (total >= d.threshold() && time >= state.silentUntil) {
            if (emit) {
                alerts.add(new Alert(
                        detector,
                        d.severity(),
                        keyKind,
                        key,
                        total,
                        d.threshold(),
                        d.windowMillis(),
                        total + " " + what + " within " + d.windowMillis() / 1000 + " s",
                        facts));
            }
            state.silentUntil = time + d.windowMillis();
            state.reset();
        }
    }

    /** How many keys detector {@code detector} holds (tests). */
    int keys(String detector) {
        Lru<Counter> c = counters.get(detector);
        Lru<Distinct> d = distincts.get(detector);
        return (c == null ? 0 : c.size()) + (d == null ? 0 : d.size());
    }

    private static <T> Lru<T> lru(Map<String, Lru<T>> maps, String detector) {
        return maps.computeIfAbsent(detector, k -> new Lru<>());
    }

    static String text(Map<String, Object> record, String... path) {
        Object value = record;
        for (String step : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(step);
        }
        return value instanceof String s ? s : null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> group(Map<String, Object> record, String name) {
        Object group = record.get(name);
        return group instanceof Map<?, ?> ? (Map<String, Object>) group : Map.of();
    }

    /** An access-ordered map of at most {@value #MAX_KEYS} keys; the least recently used key goes first. */
    static final class Lru<T> extends LinkedHashMap<String, T> {
        private static final long serialVersionUID = 1L;

        Lru() {
            super(64, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
            return size() > MAX_KEYS;
        }
    }

    /**
     * Events of one key in a sliding window, counted in {@value #SLOTS} time slots of a tenth of the
     * window each: constant memory whatever the threshold; the window is exact to one slot.
     */
    static final class Counter {
        static final int SLOTS = 10;
        private final long[] slot = new long[SLOTS];
        private final int[] counts = new int[SLOTS];
        long silentUntil;

        Counter(String ignored) {
            reset();
        }

        int add(long time, long window) {
            long width = Math.max(1, window / SLOTS);
            long current = time / width;
            int i = (int) Math.floorMod(current, (long) SLOTS);
            if (slot[i] != current) {
                slot[i] = current;
                counts[i] = 0;
            }
            counts[i]++;
            int total = 0;
            for (int j = 0; j < SLOTS; j++) {
                if (slot[j] > current - SLOTS && slot[j] <= current) {
                    total += counts[j];
                }
            }
            return total;
        }

        void reset() {
            java.util.Arrays.fill(slot, Long.MIN_VALUE);
            java.util.Arrays.fill(counts, 0);
        }
    }

    /**
     * The distinct users one address failed for within the window, each with its last failure and
     * its number of failures; {@code few} counts the users at or under a per-user attempt cap.
     */
    static final class Distinct {
        final LinkedHashMap<String, long[]> users = new LinkedHashMap<>(16, 0.75f, true);
        int few;
        int cap = Integer.MAX_VALUE;
        long failures;
        long silentUntil;

        Distinct(String ignored) {}

        void add(String user, long time, long window, int maxAttempts) {
            cap = maxAttempts;
            for (Iterator<long[]> it = users.values().iterator(); it.hasNext(); ) {
                long[] entry = it.next();
                if (entry[0] > time - window) {
                    break;
                }
                if (entry[1] <= cap) {
                    few--;
                }
                it.remove();
            }
            long[] entry = users.get(user);
            if (entry == null) {
                if (users.size() >= MAX_USERS_PER_KEY) {
                    Iterator<long[]> eldest = users.values().iterator();
                    if (eldest.next()[1] <= cap) {
                        few--;
                    }
                    eldest.remove();
                }
                users.put(user, new long[] {time, 1});
                few++;
            } else {
                entry[0] = time;
                entry[1]++;
                if (entry[1] == (long) cap + 1) {
                    few--;
                }
            }
        }

        void reset() {
            users.clear();
            few = 0;
            failures = 0;
        }
    }
}
