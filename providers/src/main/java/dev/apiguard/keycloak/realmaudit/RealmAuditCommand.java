package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * {@code ./apiguard audit}: audits realm files or exports offline, or a live realm through the
 * admin endpoint, and prints text, JSON or SARIF.
 *
 * <pre>
 * RealmAuditCommand [options] FILE...
 * RealmAuditCommand [options] --server URL --realm REALM
 *   --format text|json|sarif   output format [text]
 *   --min-severity S           print findings at or above S [info]
 *   --fail-on S                exit 1 when an unsuppressed finding at or above S exists [high]
 *   --suppressions FILE        accepted findings (see {@link Suppressions})
 *   --output FILE              write the report to FILE instead of standard output
 *   --cacert FILE              PEM certificate(s) to trust for --server (e.g. ./apiguard dev's)
 *   --auth-realm REALM         realm of the audit client for --server [the audited realm]
 *   --list-checks              print the catalogue as JSON and exit 0
 * </pre>
 *
 * Exit codes: 0 no unsuppressed finding at or above {@code --fail-on}; 1 at least one; 2 usage
 * error (unknown option, bad severity, unreadable or invalid suppressions file, missing
 * credentials); 3 an input could not be audited (file unreadable or not a realm, server
 * unreachable or refusing). Severity filtering never changes the exit code: it depends on every
 * unsuppressed finding.
 */
public final class RealmAuditCommand {

    public static final int OK = 0;
    public static final int FINDINGS = 1;
    public static final int USAGE = 2;
    public static final int INPUT = 3;

    private static final ObjectMapper REALM_READER =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RealmAuditCommand() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        System.exit(run(args, env::get, Clock.systemUTC(), System.out, System.err));
    }

    /** Parsed command line. */
    record Options(
            List<String> files,
            String format,
            Severity minSeverity,
            Severity failOn,
            String suppressions,
            String output,
            String server,
            String realm,
            String authRealm,
            String cacert,
            boolean listChecks) {}

    public static int run(String[] args, Function<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("apiguard audit: " + e.getMessage());
            err.println(
                    "usage: ./apiguard audit [--format text|json|sarif] [--min-severity S] [--fail-on S] [--suppressions FILE]"
                            + " [--output FILE] (FILE... | --server URL --realm REALM [--cacert FILE] [--auth-realm REALM])");
            return USAGE;
        }
        if (options.listChecks()) {
            out.print(ReportWriter.catalogue());
            return OK;
        }
        Suppressions suppressions = Suppressions.NONE;
        if (options.suppressions() != null) {
            try {
                suppressions =
                        Suppressions.parse(Files.readString(Path.of(options.suppressions()), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("apiguard audit: suppressions file " + options.suppressions() + " cannot be read: "
                        + e.getMessage());
                return USAGE;
            } catch (IllegalArgumentException e) {
                err.println("apiguard audit: suppressions file " + options.suppressions() + ": " + e.getMessage());
                return USAGE;
            }
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        RealmAudit audit = new RealmAudit(clock);
        List<AuditedSource> sources = new ArrayList<>();
        boolean inputFailed = false;
        if (options.server() != null) {
            LiveAuditClient.Credentials credentials;
            try {
                credentials = LiveAuditClient.Credentials.fromEnvironment(env);
            } catch (IllegalArgumentException e) {
                err.println("apiguard audit: " + e.getMessage());
                return USAGE;
            }
            try {
                LiveAuditClient client = new LiveAuditClient(options.server(), options.cacert());
                AuditReport report = client.audit(
                        options.realm(),
                        options.authRealm() == null ? options.realm() : options.authRealm(),
                        credentials);
                sources.add(new AuditedSource(
                        client.endpoint(options.realm()), false, report, suppressions.apply(report, today), null));
            } catch (LiveAuditClient.LiveAuditException e) {
                err.println("apiguard audit: " + e.getMessage());
                return INPUT;
            }
        } else {
            for (String name : options.files()) {
                String content;
                try {
                    content = Files.readString(Path.of(name), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.printf("apiguard audit: %s cannot be read: %s%n", name, e.getMessage());
                    inputFailed = true;
                    continue;
                }
                RealmRepresentation rep;
                try {
                    rep = REALM_READER.readValue(content, RealmRepresentation.class);
                } catch (JsonProcessingException e) {
                    String where = e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr() + ")";
                    err.printf(
                            "apiguard audit: %s is not a realm representation%s: %s%n",
                            name, where, e.getOriginalMessage());
                    inputFailed = true;
                    continue;
                }
                if (rep == null || rep.getRealm() == null || rep.getRealm().isBlank()) {
                    err.printf("apiguard audit: %s holds no realm (field 'realm' is missing)%n", name);
                    inputFailed = true;
                    continue;
                }
                AuditReport report = audit.audit(rep);
                sources.add(new AuditedSource(
                        name, true, report, suppressions.apply(report, today), JsonLocator.of(content)));
            }
        }
        String rendered = switch (options.format()) {
            case "json" -> ReportWriter.json(sources, options.minSeverity());
            case "sarif" -> ReportWriter.sarif(sources, options.minSeverity(), options.suppressions());
            default -> ReportWriter.text(sources, options.minSeverity());
        };
        if (options.output() != null) {
            try {
                Path target = Path.of(options.output());
                Path partial = target.resolveSibling(target.getFileName() + ".partial");
                Files.writeString(partial, rendered, StandardCharsets.UTF_8);
                Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                err.println("apiguard audit: cannot write " + options.output() + ": " + e.getMessage());
                return INPUT;
            }
        } else {
            out.print(rendered);
        }
        if (inputFailed) {
            return INPUT;
        }
        boolean failing = sources.stream()
                .flatMap(s -> s.outcome().active().stream())
                .anyMatch(f -> f.severity().atLeast(options.failOn()));
        return failing ? FINDINGS : OK;
    }

    static Options parse(String[] args) {
        List<String> files = new ArrayList<>();
        String format = "text";
        Severity min = Severity.INFO;
        Severity failOn = Severity.HIGH;
        String suppressions = null;
        String output = null;
        String server = null;
        String realm = null;
        String authRealm = null;
        String cacert = null;
        boolean list = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--format" -> {
                    format = value(args, ++i, arg);
                    if (!List.of("text", "json", "sarif").contains(format)) {
                        throw new IllegalArgumentException("--format '" + format + "' is not one of text, json, sarif");
                    }
                }
                case "--min-severity" -> min = Severity.parse(value(args, ++i, arg));
                case "--fail-on" -> failOn = Severity.parse(value(args, ++i, arg));
                case "--suppressions" -> suppressions = value(args, ++i, arg);
                case "--output" -> output = value(args, ++i, arg);
                case "--server" -> server = value(args, ++i, arg);
                case "--realm" -> realm = value(args, ++i, arg);
                case "--auth-realm" -> authRealm = value(args, ++i, arg);
                case "--cacert" -> cacert = value(args, ++i, arg);
                case "--list-checks" -> list = true;
                default -> {
                    if (arg.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    files.add(arg);
                }
            }
        }
        if (!list) {
            if (server != null && !files.isEmpty()) {
                throw new IllegalArgumentException("give either files or --server, not both");
            }
            if (server == null && files.isEmpty()) {
                throw new IllegalArgumentException("no realm file given (or --server URL --realm REALM)");
            }
            if (server != null && realm == null) {
                throw new IllegalArgumentException("--server needs --realm");
            }
            if (server == null && (realm != null || cacert != null || authRealm != null)) {
                throw new IllegalArgumentException("--realm, --cacert and --auth-realm go with --server");
            }
        }
        return new Options(
                List.copyOf(files), format, min, failOn, suppressions, output, server, realm, authRealm, cacert, list);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
