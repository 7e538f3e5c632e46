package dev.apiguard.keycloak.audit;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The audit stream's server options ({@code --spi-events-listener--apiguard-audit--<option>}, env
 * {@code KC_SPI_EVENTS_LISTENER__APIGUARD_AUDIT__<OPTION>}), read once at start and checked here:
 * each message names the option, the value and what is allowed. docs/audit-stream.md has the table.
 */
public record AuditSettings(
        Set<String> sinks,
        Path fileDir,
        long fileMaxBytes,
        int fileMaxFiles,
        int checkpointEvery,
        Path signingKeyFile,
        URI webhookUrl,
        byte[] webhookSecret,
        int webhookTimeoutSeconds,
        Redaction redaction,
        int pollMillis,
        int batchSize,
        int gapSeconds,
        int retentionHours) {

    public static final String OPTION_PREFIX = "--spi-events-listener--apiguard-audit--";
    static final Set<String> KNOWN_SINKS = Set.of("file", "stdout", "webhook");

    /** Reads and checks the options; {@code option} returns an option's value or null. */
    public static AuditSettings read(Function<String, String> option) {
        Set<String> sinks = new LinkedHashSet<>();
        String sinkList = option.apply("sinks");
        if (sinkList != null) {
            for (String sink : sinkList.split(",")) {
                String name = sink.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (!KNOWN_SINKS.contains(name)) {
                    throw new IllegalArgumentException(
                            OPTION_PREFIX + "sinks: unknown sink '" + name + "', allowed: file, stdout, webhook");
                }
                sinks.add(name);
            }
        }
        Path fileDir = null;
        String dir = option.apply("file-dir");
        if (sinks.contains("file")) {
            if (dir == null || dir.isBlank()) {
                throw new IllegalArgumentException(OPTION_PREFIX + "file-dir is required with the file sink");
            }
            fileDir = Path.of(dir).toAbsolutePath().normalize();
        }
        String keyFile = option.apply("signing-key-file");
        Path signingKeyFile = keyFile != null && !keyFile.isBlank()
                ? Path.of(keyFile).toAbsolutePath().normalize()
                : fileDir == null ? null : fileDir.resolveSibling("audit-signing-key.pem");

        URI webhookUrl = null;
        byte[] webhookSecret = null;
        if (sinks.contains("webhook")) {
            String url = option.apply("webhook-url");
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(OPTION_PREFIX + "webhook-url is required with the webhook sink");
            }
            try {
                webhookUrl = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(OPTION_PREFIX + "webhook-url is not a URL: '" + url + "'", e);
            }
            String host = webhookUrl.getHost();
            boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
            if (!"https".equals(webhookUrl.getScheme()) && !("http".equals(webhookUrl.getScheme()) && loopback)) {
                throw new IllegalArgumentException(
                        OPTION_PREFIX + "webhook-url must be https (http only on loopback), got '"
                                + webhookUrl.getScheme() + "://" + host + "'");
            }
            String secret = option.apply("webhook-secret");
            if (secret == null || secret.length() < 32) {
                throw new IllegalArgumentException(
                        OPTION_PREFIX + "webhook-secret must have at least 32 characters, got "
                                + (secret == null ? "none" : secret.length()));
            }
            webhookSecret = secret.getBytes(StandardCharsets.UTF_8);
        }

        Redaction.AddressMode addressMode =
                choice(option, "address-mode", Redaction.AddressMode.class, Redaction.AddressMode.PLAIN);
        Redaction.UserNameMode userNameMode =
                choice(option, "user-name-mode", Redaction.UserNameMode.class, Redaction.UserNameMode.PLAIN);
        String pseudonymKey = option.apply("pseudonym-key");
        Redaction redaction;
        try {
            redaction = new Redaction(
                    addressMode,
                    userNameMode,
                    pseudonymKey == null ? null : pseudonymKey.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(OPTION_PREFIX + "pseudonym-key: " + e.getMessage(), e);
        }

        return new AuditSettings(
                Set.copyOf(sinks),
                fileDir,
                number(option, "file-max-bytes", 104_857_600L, 1024L, Long.MAX_VALUE),
                (int) number(option, "file-max-files", 30, 1, 100_000),
                (int) number(option, "checkpoint-every", 1000, 1, 1_000_000),
                signingKeyFile,
                webhookUrl,
                webhookSecret,
                (int) number(option, "webhook-timeout-seconds", 10, 1, 300),
                redaction,
                (int) number(option, "poll-interval-ms", 1000, 50, 60_000),
                (int) number(option, "batch-size", 500, 1, 10_000),
                (int) number(option, "gap-timeout-seconds", 30, 1, 3600),
                (int) number(option, "retention-hours", 24, 1, 24 * 366));
    }

    /** The sinks in the order they are served. */
    public List<String> sinkOrder() {
        return KNOWN_SINKS.stream().filter(sinks::contains).sorted().toList();
    }

    private static <E extends Enum<E>> E choice(
            Function<String, String> option, String name, Class<E> type, E defaultValue) {
        String value = option.apply(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E constant : type.getEnumConstants()) {
                allowed.append(allowed.isEmpty() ? "" : ", ")
                        .append(constant.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(OPTION_PREFIX + name + ": '" + value + "' is not one of " + allowed, e);
        }
    }

    private static long number(Function<String, String> option, String name, long defaultValue, long min, long max) {
        String value = option.apply(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    OPTION_PREFIX + name + " must be a whole number from " + min + " to " + max + ", got '" + value
                            + "'",
                    e);
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(
                    OPTION_PREFIX + name + " must be from " + min + " to " + max + ", got " + parsed);
        }
        return parsed;
    }
}
