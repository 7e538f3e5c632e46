package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A copy of the demo realm on the API Guard server that differs from it in one setting, so that one
 * capability's cost is measured in the same JVM as the realm it is compared with
 * ({@code --variants}). {@link RealmCopy} makes the copy; {@link #comparisons()} says which ratios
 * answer which question.
 */
enum Variant {
    /** The demo realm without its rate-limit document: limiter off (issue 15). */
    NOLIMIT("apiguard-nolimit", "limiter", "the demo realm without its rate-limit document (limiter off)"),
    /** Audit stream on, Keycloak's event store off: the stream replaces it (issue 16). */
    STREAM(
            "apiguard-stream",
            "audit",
            "the demo realm with Keycloak's event store off (eventsEnabled false): the audit stream alone"),
    /** Neither the audit stream nor Keycloak's event store (issue 16). */
    NOAUDIT(
            "apiguard-noaudit",
            "audit",
            "the demo realm without the apiguard-audit listener and with eventsEnabled false: no audit at all"),
    /** Keycloak's JPA event store recording the grants' events, no audit stream (issue 16). */
    JPAEVENTS(
            "apiguard-jpaevents",
            "audit",
            "the demo realm without the apiguard-audit listener, eventsEnabled true, enabledEventTypes the grants'"
                    + " events (LOGIN, CODE_TO_TOKEN, CLIENT_LOGIN, REFRESH_TOKEN and their errors)"),
    /** The demo realm without client policies and profiles: the client-policy path's cost (issue 19). */
    NOPOLICY(
            "apiguard-nopolicy",
            "policies",
            "the demo realm without its client policies and profiles (no baseline executors, no ABAC or step-up"
                    + " decisions)"),
    /**
     * The demo realm with Keycloak's default full scope for its code-flow client, as the stock
     * realms have it: what least privilege ({@code fullScopeAllowed: false}) costs in Keycloak itself.
     */
    FULLSCOPE(
            "apiguard-fullscope",
            "scope",
            "the demo realm with fullScopeAllowed true for " + Variant.CODE_CLIENT
                    + " (Keycloak's default, as in the stock realms)"),
    /**
     * The demo realm without any of API Guard's configuration for the token endpoint, and without
     * audit: what the realm itself (its clients, scopes, users and Keycloak settings) costs in
     * Keycloak, apart from API Guard (issue 19).
     */
    BARE(
            "apiguard-bare",
            "bare",
            "the demo realm without API Guard's configuration: no client policies or profiles, no apiguard.*"
                    + " realm attributes (rate limits, ABAC document, lifetime ceiling, key rotation), no apiguard-*"
                    + " protocol mappers, no audit listener and eventsEnabled false (Keycloak's settings kept)"),
    /**
     * {@link #BARE} again under another name: the same realm twice, a control. Its ratio to
     * {@link #BARE} is what the method reads when nothing differs (noise, order, the realms' place
     * in the JVM), the yardstick for every other ratio of the run.
     */
    BARE_TWIN(
            "apiguard-bare-twin",
            "control",
            "apiguard-bare again under another name (a control: the same realm twice)"),
    /**
     * {@link #BARE} without step-up's settings in Keycloak: no ACR-to-LoA map, Keycloak's own browser
     * flow. The {@code realm} group's variants each remove one group of the demo realm's Keycloak
     * settings that the stock realm does not have, so that the two realms' own difference is split.
     */
    BARE_NOLOA(
            "apiguard-bare-noloa",
            "realm",
            "apiguard-bare without step-up's Keycloak settings: no acr.loa.map attribute, Keycloak's own browser"
                    + " flow (no levels of authentication)"),
    /** {@link #BARE} with the measured user as the stock realm's: no attributes, default roles only. */
    BARE_USER(
            "apiguard-bare-user",
            "realm",
            "apiguard-bare with " + Variant.USER + " as the stock realm's user: no attributes, the default roles"
                    + " only, Keycloak's default user profile"),
    /** {@link #BARE} with the code-flow client registered as the stock realm's. */
    BARE_CLIENT(
            "apiguard-bare-client",
            "realm",
            "apiguard-bare with " + Variant.CODE_CLIENT + " registered as the stock realm's client: fullScopeAllowed"
                    + " true, no web origins, no RFC 9068 header type, no post-logout redirect URI"),
    /** {@link #BARE} with Keycloak's defaults for the realm's security settings. */
    BARE_SETTINGS(
            "apiguard-bare-settings",
            "realm",
            "apiguard-bare with Keycloak's defaults for sslRequired (external), brute-force protection (off), admin"
                    + " events (off), browser security headers and password policy (none)"),
    /** {@link #BARE} with every change of the other {@code realm} variants: what remains is the realms' rest. */
    BARE_STOCK(
            "apiguard-bare-stock",
            "realm",
            "apiguard-bare with the changes of apiguard-bare-noloa, -user, -client and -settings together");

    /** The demo realm's public client of the code flow and refresh. */
    static final String CODE_CLIENT = "demo-spa";

    /** The demo realm's user of the code flow and refresh. */
    static final String USER = "alice";

    /** The {@code --variants} values besides {@code none}. */
    static final List<String> GROUPS =
            List.of("limiter", "audit", "policies", "scope", "bare", "realm", "server", "rs256", "control");

    /** The prefix of API Guard's realm attributes and of its providers' ids (protocol mappers, executors). */
    static final String APIGUARD_PREFIX = "apiguard";

    /**
     * The {@code --variants} value that adds {@link #PLAIN_ES}: not a copy of the demo realm but the
     * stock ES256 realm, created on the API Guard server as well.
     */
    static final String SERVER_GROUP = "server";

    /**
     * The target of {@link #SERVER_GROUP}: the stock {@code bench-es256} realm (no API Guard
     * configuration) on the API Guard server, so that API Guard's realm is compared with it in one
     * JVM, and the installed but unadopted JAR with stock Keycloak.
     */
    static final String PLAIN_ES = "plain-ES256";

    /**
     * The {@code --variants} value that adds {@link #PLAIN_RS}: the stock RS256 realm on the API Guard
     * server, so that issue 19's "2x stock Keycloak's defaults" is measured in one JVM.
     */
    static final String RS_GROUP = "rs256";

    /** The target of {@link #RS_GROUP}: the stock {@code bench-rs256} realm (Keycloak's RS256) on the API Guard server. */
    static final String PLAIN_RS = "plain-RS256";

    /** The event listener of API Guard's audit stream. */
    static final String AUDIT_LISTENER = "apiguard-audit";

    /** The realm attribute holding the rate-limit document. */
    static final String RATE_LIMITS_ATTRIBUTE = "apiguard.rateLimits";

    /**
     * The events the audit stream records for the measured grants, successes and errors: what
     * {@link #JPAEVENTS} makes Keycloak's event store save.
     */
    static final List<String> GRANT_EVENTS = List.of(
            "LOGIN",
            "LOGIN_ERROR",
            "CODE_TO_TOKEN",
            "CODE_TO_TOKEN_ERROR",
            "CLIENT_LOGIN",
            "CLIENT_LOGIN_ERROR",
            "REFRESH_TOKEN",
            "REFRESH_TOKEN_ERROR");

    private final String target;
    private final String group;
    private final String description;

    Variant(String target, String group, String description) {
        this.target = target;
        this.group = group;
        this.description = description;
    }

    /** How the realm differs from the demo realm, for the console and the JSON. */
    String description() {
        return description;
    }

    /** Whether the realm keeps the demo realm's rate-limit document (raised out of reach like the demo's). */
    boolean hasRateLimits() {
        return this != NOLIMIT && !isBare();
    }

    /**
     * Whether the realm is {@link #BARE}, its twin, or a copy of it with one more change (the
     * {@code realm} group).
     */
    boolean isBare() {
        return this == BARE || this == BARE_TWIN || group.equals("realm");
    }

    /** The target's name, which is also its realm's name. */
    String target() {
        return target;
    }

    /** The {@code --variants} value that adds it. */
    String group() {
        return group;
    }

    /** The variants {@code groups} adds, in this enum's order. */
    static List<Variant> of(List<String> groups) {
        return Arrays.stream(values()).filter(v -> groups.contains(v.group)).toList();
    }

    /**
     * The ratios that answer the issues, for the groups given: limiter on / off (the demo realm, its
     * limits raised out of reach, over {@link #NOLIMIT}); audit stream / none and audit stream /
     * Keycloak's JPA event store.
     */
    static List<Summary.Comparison> comparisons(List<String> groups) {
        List<Summary.Comparison> comparisons = new ArrayList<>();
        if (groups.contains("limiter")) {
            comparisons.add(new Summary.Comparison(
                    SideBySide.APIGUARD, NOLIMIT.target, "rate limiter on / off (issue 15: loss <= 3%)", 0.97));
        }
        if (groups.contains("audit")) {
            comparisons.add(new Summary.Comparison(
                    STREAM.target, NOAUDIT.target, "audit stream / no audit (issue 16: loss <= 8%)", 0.92));
            comparisons.add(new Summary.Comparison(
                    STREAM.target, JPAEVENTS.target, "audit stream / JPA event store (issue 16: no slower)", 1.0));
        }
        if (groups.contains("policies")) {
            comparisons.add(new Summary.Comparison(
                    SideBySide.APIGUARD,
                    NOPOLICY.target,
                    "client policies on / off (issue 19: the client-policy path's share of the cost)",
                    0.97));
        }
        if (groups.contains(SERVER_GROUP)) {
            comparisons.add(new Summary.Comparison(
                    SideBySide.APIGUARD,
                    PLAIN_ES,
                    "API Guard's realm / the stock ES256 realm on the same server (issue 19 in one JVM)",
                    0.97));
            comparisons.add(new Summary.Comparison(
                    PLAIN_ES,
                    SideBySide.STOCK_ES,
                    "the stock ES256 realm with the JAR installed / without (opt-in: no cost)",
                    0.97));
            if (groups.contains("audit")) {
                // The demo realm's checks with nothing stored per grant, as the stock realm stores nothing.
                comparisons.add(new Summary.Comparison(
                        NOAUDIT.target,
                        PLAIN_ES,
                        "API Guard's checks alone (no audit stream, no event store) / the stock ES256 realm on the"
                                + " same server (issue 19: the checks' cost)",
                        0.97));
                comparisons.add(new Summary.Comparison(
                        SideBySide.APIGUARD,
                        STREAM.target,
                        "the demo realm's event store on / off (issue 19: the demo's default; while eventsEnabled is"
                                + " true, Keycloak creates its JPA event store for every event builder)",
                        Double.NaN));
            }
        }
        if (groups.contains("bare")) {
            if (groups.contains("audit")) {
                comparisons.add(new Summary.Comparison(
                        NOAUDIT.target,
                        BARE.target,
                        "API Guard's configuration / the same realm without it, neither audited (issue 19: the checks'"
                                + " cost in the demo realm)",
                        0.97));
            }
            if (groups.contains(SERVER_GROUP)) {
                comparisons.add(new Summary.Comparison(
                        BARE.target,
                        PLAIN_ES,
                        "the demo realm without API Guard / the stock ES256 realm (the two realms' own difference in"
                                + " Keycloak, not API Guard's)",
                        Double.NaN));
            }
        }
        if (groups.contains("control")) {
            comparisons.add(new Summary.Comparison(
                    BARE_TWIN.target,
                    BARE.target,
                    "two identical realms (a control: what the method reads when nothing differs; with bare)",
                    Double.NaN));
        }
        if (groups.contains("realm")) {
            if (groups.contains("bare")) {
                for (Variant part : of(List.of("realm"))) {
                    comparisons.add(new Summary.Comparison(
                            BARE.target,
                            part.target,
                            "the demo realm's own Keycloak settings / " + part.target + " (what they cost in Keycloak,"
                                    + " not API Guard's)",
                            Double.NaN));
                }
            }
            if (groups.contains(SERVER_GROUP)) {
                comparisons.add(new Summary.Comparison(
                        BARE_STOCK.target,
                        PLAIN_ES,
                        "the demo realm with the realm group's changes / the stock ES256 realm (what the changes leave"
                                + " of the two realms' difference)",
                        Double.NaN));
            }
        }
        if (groups.contains(RS_GROUP)) {
            comparisons.add(new Summary.Comparison(
                    SideBySide.APIGUARD,
                    PLAIN_RS,
                    "API Guard's realm / the stock RS256 realm on the same server (issue 19: >= 2x stock Keycloak's"
                            + " default RS256)",
                    2.0));
            if (groups.contains("audit")) {
                comparisons.add(new Summary.Comparison(
                        NOAUDIT.target,
                        PLAIN_RS,
                        "API Guard's checks alone / the stock RS256 realm on the same server (issue 19: >= 2x)",
                        2.0));
            }
            if (groups.contains(SERVER_GROUP)) {
                comparisons.add(new Summary.Comparison(
                        PLAIN_ES,
                        PLAIN_RS,
                        "the stock ES256 realm / the stock RS256 realm on the same server (what ES256 alone gains in"
                                + " Keycloak: 0.97x of it is the 2x goal's reach)",
                        Double.NaN));
            }
        }
        if (groups.contains("scope")) {
            comparisons.add(new Summary.Comparison(
                    SideBySide.APIGUARD,
                    FULLSCOPE.target,
                    "least privilege / full scope for " + CODE_CLIENT + " (Keycloak's cost of fullScopeAllowed false)",
                    0.97));
        }
        return comparisons;
    }
}
