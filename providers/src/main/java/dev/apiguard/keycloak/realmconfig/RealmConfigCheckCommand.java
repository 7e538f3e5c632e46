package dev.apiguard.keycloak.realmconfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command line front of {@link RealmFileCheck}: {@code RealmConfigCheckCommand FILE...}. Prints
 * one line per problem to standard error, prefixed by the file, and exits 1 when any file has a
 * problem (including two files for the same realm), 2 on a usage error. Otherwise exits 0 and
 * prints the realms' names to standard output, one a line. Run by {@code ./apiguard} before
 * Keycloak starts, with Keycloak's {@code lib/} on the class path.
 */
public final class RealmConfigCheckCommand {

    private RealmConfigCheckCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, RealmFileCheck.withProcessEnvironment(), System.out, System.err));
    }

    static int run(String[] files, RealmFileCheck check, PrintStream out, PrintStream err) {
        if (files.length == 0) {
            err.println("usage: RealmConfigCheckCommand REALM_FILE.json...");
            return 2;
        }
        boolean failed = false;
        Map<String, Path> realms = new LinkedHashMap<>();
        for (String name : files) {
            Path file = Path.of(name);
            String content;
            try {
                content = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.printf("%s: cannot be read: %s%n", file, e.getMessage());
                failed = true;
                continue;
            }
            RealmFileCheck.Result result = check.check(content);
            for (String problem : result.problems()) {
                err.printf("%s: %s%n", file, problem);
            }
            failed |= !result.ok();
            if (result.realm() != null) {
                Path previous = realms.putIfAbsent(result.realm(), file);
                if (previous != null) {
                    err.printf("%s: realm '%s' is also defined by %s%n", file, result.realm(), previous);
                    failed = true;
                }
            }
        }
        if (failed) {
            return 1;
        }
        realms.keySet().forEach(out::println);
        return 0;
    }
}
