package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's settings, from {@code --name value} arguments; every value is checked here and a
 * bad one is refused with its name, the value and the allowed range.
 *
 * @param keycloakDist     an unpacked {@code keycloak-quarkus-dist} (never run in place: copied per server)
 * @param javaHome         the JDK that runs both servers
 * @param providerJar      API Guard's provider JAR (the login theme is inside it)
 * @param realmConfig      the realm files API Guard imports ({@code realm-config/})
 * @param workDir          the servers' homes and data (fresh data on every run)
 * @param outDir           where results.json and results.svg go
 * @param connections      concurrent connections of the load generator
 * @param rounds           measured rounds (each: every grant on every target)
 * @param roundSeconds     length of a measured round
 * @param warmupSeconds    length of a warm-up round
 * @param warmupMaxRounds  warm-up rounds at most, settled or not
 * @param settleTolerance  warm-up ends when two consecutive rounds differ by less than this (0.05 = 5%)
 * @param codes            authorization codes obtained before each code-exchange round (its length bound)
 * @param startTimeoutSeconds how long a server may take to be ready
 * @param profile          which servers run with a JDK Flight Recorder profile ({@code none}, {@code apiguard},
 *                         {@code both}); a profiled run's figures are for finding costs, not for ratios
 * @param grants           the grants measured, in this order in every round (default: client credentials,
 *                         refresh, code exchange; {@code login} only when named)
 * @param variants         which groups of {@link Variant} realms are added on the API Guard server
 *                         ({@code limiter}, {@code audit}); empty for none (the default)
 * @param pairing          {@code alternate} (the default): one target at a time, in turn; {@code together}:
 *                         the targets of one server at the same time, each with its own connections
 */
public record Options(
        Path keycloakDist,
        Path javaHome,
        Path providerJar,
        Path realmConfig,
        Path workDir,
        Path outDir,
        int connections,
        int rounds,
        int roundSeconds,
        int warmupSeconds,
        int warmupMaxRounds,
        double settleTolerance,
        int codes,
        int startTimeoutSeconds,
        String profile,
        List<Grant> grants,
        List<String> variants,
        String pairing) {

    /** The values {@code --profile} accepts. */
    public static final List<String> PROFILES = List.of("none", "apiguard", "both");

    /** The values {@code --pairing} accepts. */
    public static final List<String> PAIRINGS = List.of("alternate", "together");

    /** Whether the targets of one server are measured at the same time ({@code --pairing together}). */
    public boolean together() {
        return "together".equals(pairing);
    }

    /** Whether the server named {@code server} ({@code stock} or {@code apiguard}) runs with a JFR profile. */
    public boolean profiles(String server) {
        return "both".equals(profile) || profile.equals(server);
    }

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("connections", "8");
        DEFAULTS.put("rounds", "6");
        DEFAULTS.put("round-seconds", "10");
        DEFAULTS.put("warmup-seconds", "10");
        DEFAULTS.put("warmup-max-rounds", "12");
        DEFAULTS.put("settle-tolerance", "0.05");
        DEFAULTS.put("codes", "2000");
        DEFAULTS.put("start-timeout-seconds", "300");
        DEFAULTS.put("profile", "none");
        DEFAULTS.put("grants", "client-credentials,refresh,code-exchange");
        DEFAULTS.put("variants", "none");
        DEFAULTS.put("pairing", "alternate");
    }

    /** Parses {@code --name value} pairs; paths are required, numbers have defaults. */
    public static Options parse(String... args) {
        Map<String, String> given = new HashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "expected --name value, got '" + arg + "'" + (i + 1 >= args.length ? " without a value" : ""));
            }
            String name = arg.substring(2);
            if (!DEFAULTS.containsKey(name) && !isPath(name)) {
                throw new IllegalArgumentException(
                        "unknown option --" + name + "; known: " + String.join(", ", known()));
            }
            given.put(name, args[++i]);
        }
        String pairing = oneOf(given, "pairing", PAIRINGS);
        List<Grant> grants = grants(given);
        if ("together".equals(pairing) && grants.contains(Grant.LOGIN)) {
            throw new IllegalArgumentException("--pairing together does not measure login (its browsers and users are"
                    + " one set per connection, shared by the targets): leave login out of --grants, or use"
                    + " --pairing alternate");
        }
        if ("together".equals(pairing) && !"none".equals(given.get("profile"))) {
            throw new IllegalArgumentException("--pairing together cannot be profiled (--profile): a profile's samples"
                    + " are matched to a target by the seconds its round ran, and together the targets of one server"
                    + " share them");
        }
        return new Options(
                directory(given, "keycloak-dist"),
                directory(given, "java-home"),
                file(given, "provider-jar"),
                directory(given, "realm-config"),
                path(given, "work-dir"),
                path(given, "out-dir"),
                integer(given, "connections", 1, 256),
                integer(given, "rounds", 1, 100),
                integer(given, "round-seconds", 1, 600),
                integer(given, "warmup-seconds", 1, 600),
                integer(given, "warmup-max-rounds", 2, 100),
                decimal(given, "settle-tolerance", 0.001, 0.5),
                integer(given, "codes", 10, 100_000),
                integer(given, "start-timeout-seconds", 30, 1800),
                oneOf(given, "profile", PROFILES),
                grants,
                variants(given),
                pairing);
    }

    private static boolean isPath(String name) {
        return switch (name) {
            case "keycloak-dist", "java-home", "provider-jar", "realm-config", "work-dir", "out-dir" -> true;
            default -> false;
        };
    }

    private static String[] known() {
        return new String[] {
            "keycloak-dist",
            "java-home",
            "provider-jar",
            "realm-config",
            "work-dir",
            "out-dir",
            "connections",
            "rounds",
            "round-seconds",
            "warmup-seconds",
            "warmup-max-rounds",
            "settle-tolerance",
            "codes",
            "start-timeout-seconds",
            "profile",
            "grants",
            "variants",
            "pairing"
        };
    }

    private static Path path(Map<String, String> given, String name) {
        String value = given.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }

    private static Path directory(Map<String, String> given, String name) {
        Path path = path(given, name);
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("--" + name + " " + path + " is not a directory");
        }
        return path;
    }

    private static Path file(Map<String, String> given, String name) {
        Path path = path(given, name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("--" + name + " " + path + " is not a file");
        }
        return path;
    }

    private static String oneOf(Map<String, String> given, String name, List<String> allowed) {
        String value = given.get(name);
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(
                    "--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    private static List<Grant> grants(Map<String, String> given) {
        List<Grant> grants = new ArrayList<>();
        for (String id : list(given, "grants")) {
            Grant grant = Grant.byId(id)
                    .orElseThrow(() -> new IllegalArgumentException("--grants: unknown grant '" + id + "'; known: "
                            + String.join(
                                    ", ",
                                    Arrays.stream(Grant.values()).map(Grant::id).toList())));
            if (grants.contains(grant)) {
                throw new IllegalArgumentException("--grants names " + id + " twice");
            }
            grants.add(grant);
        }
        return List.copyOf(grants);
    }

    private static List<String> variants(Map<String, String> given) {
        List<String> names = list(given, "variants");
        if (names.equals(List.of("none"))) {
            return List.of();
        }
        List<String> variants = new ArrayList<>();
        for (String name : names) {
            if (!Variant.GROUPS.contains(name)) {
                throw new IllegalArgumentException("--variants: unknown variant '" + name + "'; known: none, "
                        + String.join(", ", Variant.GROUPS) + " (comma-separated)");
            }
            if (variants.contains(name)) {
                throw new IllegalArgumentException("--variants names " + name + " twice");
            }
            variants.add(name);
        }
        if (variants.contains("control") && !variants.contains("bare")) {
            throw new IllegalArgumentException(
                    "--variants control compares apiguard-bare-twin with apiguard-bare: add bare");
        }
        return List.copyOf(variants);
    }

    /** A comma-separated list without blanks; at least one value. */
    private static List<String> list(Map<String, String> given, String name) {
        List<String> values =
                Arrays.stream(given.get(name).split(",", -1)).map(String::trim).toList();
        if (values.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException(
                    "--" + name + " must be a comma-separated list without blanks, got '" + given.get(name) + "'");
        }
        return values;
    }

    private static int integer(Map<String, String> given, String name, int min, int max) {
        String value = given.get(name);
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(
                        "--" + name + " must be from " + min + " to " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + name + " must be a whole number from " + min + " to " + max + ", got '" + value + "'", e);
        }
    }

    private static double decimal(Map<String, String> given, String name, double min, double max) {
        String value = given.get(name);
        try {
            double parsed = Double.parseDouble(value.trim());
            if (!(parsed >= min && parsed <= max)) {
                throw new IllegalArgumentException(
                        "--" + name + " must be from " + min + " to " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + name + " must be a number from " + min + " to " + max + ", got '" + value + "'", e);
        }
    }
}
