package dev.apiguard.keycloak.it.support;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private PostgreSQL for one test run: {@code initdb} into a fresh folder, a server on a free
 * 127.0.0.1 port (TCP only, no Unix socket; password authentication), one database, stopped
 * with {@code pg_ctl stop -m fast}.
 *
 * <p>What it checks and does:
 * <ul>
 *   <li>finds {@code initdb}, {@code pg_ctl}, {@code postgres} and {@code createdb} in one folder:
 *       the newest {@code /usr/lib/postgresql/<version>/bin} (Debian's layout), else the folder a
 *       {@code PATH} entry of {@code initdb} resolves to; none found is an error that says to
 *       install Debian's {@code postgresql} package;</li>
 *   <li>PostgreSQL refuses to run as root: when the tests run as root, every PostgreSQL command
 *       runs as the unprivileged user {@code postgres} (through {@code runuser}, else
 *       {@code setpriv}) and the folder is given to that user; otherwise they run directly;</li>
 *   <li>only {@code listen_addresses = '127.0.0.1'}, durability off ({@code fsync}) since the
 *       data is thrown away;</li>
 *   <li>stop waits for the postmaster to end; a JVM shutdown hook stops an instance that a
 *       test run left behind ({@code -m immediate}).</li>
 * </ul>
 */
public final class PostgresServer implements AutoCloseable {

    /** The user PostgreSQL runs as when the tests run as root (Debian's package creates it). */
    static final String UNPRIVILEGED_USER = "postgres";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern VERSION_FOLDER = Pattern.compile("\\d+(\\.\\d+)?");

    private final Path binDir;
    private final Path baseDir;
    private final int port;
    private final String user;
    private final String password;
    private final String database;
    private final long postmasterPid;
    private final Thread shutdownHook;

    private PostgresServer(
            Path binDir, Path baseDir, int port, String user, String password, String database, long postmasterPid) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.port = port;
        this.user = user;
        this.password = password;
        this.database = database;
        this.postmasterPid = postmasterPid;
        this.shutdownHook = new Thread(this::stopImmediately, "postgres-cleanup-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Creates a new cluster in {@code baseDir} (deleted first), starts it and creates
     * {@code database}, owned by a user with a random password.
     */
    public static PostgresServer start(Path baseDir, String database) {
        requireNonNull(baseDir, "baseDir");
        requireNonNull(database, "database");
        Path binDir = findBinaries();
        Path base = baseDir.toAbsolutePath().normalize();
        stopLeftover(binDir, base.resolve("data"));
        ApiGuardServer.deleteRecursively(base);
        String user = "apiguard";
        String password = ApiGuardServer.randomSecret();
        int port = ApiGuardServer.freePort();
        try {
            Files.createDirectories(base);
            Path passwordFile = base.resolve("pwfile");
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            giveToUnprivilegedUser(base);
            run(
                    binDir,
                    List.of(
                            "initdb",
                            "--pgdata=" + base.resolve("data"),
                            "--username=" + user,
                            "--pwfile=" + passwordFile,
                            "--auth-local=scram-sha-256",
                            "--auth-host=scram-sha-256",
                            "--encoding=UTF8",
                            "--locale=C",
                            "--no-sync"),
                    null);
            Files.delete(passwordFile);
            Files.writeString(
                    base.resolve("data/postgresql.conf"),
                    String.join(
                            "\n",
                            "",
                            "# API Guard test harness: loopback TCP only, no Unix socket, no durability (throw-away data).",
                            "listen_addresses = '127.0.0.1'",
                            "port = " + port,
                            "unix_socket_directories = ''",
                            "fsync = off",
                            "synchronous_commit = off",
                            "full_page_writes = off",
                            ""),
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            run(
                    binDir,
                    List.of(
                            "pg_ctl",
                            "--pgdata=" + base.resolve("data"),
                            "--log=" + base.resolve("postgres.log"),
                            "--wait",
                            "--timeout=60",
                            "start"),
                    null);
            long pid = readPostmasterPid(base.resolve("data"));
            PostgresServer server = new PostgresServer(binDir, base, port, user, password, database, pid);
            try {
                run(
                        binDir,
                        List.of("createdb", "--host=127.0.0.1", "--port=" + port, "--username=" + user, database),
                        password);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up PostgreSQL in " + base, e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return baseDir.resolve("postgres.log");
    }

    public boolean isRunning() {
        return ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and waits until its postmaster has ended. */
    @Override
    public void close() {
        if (isRunning()) {
            run(
                    binDir,
                    List.of(
                            "pg_ctl",
                            "--pgdata=" + baseDir.resolve("data"),
                            "--mode=fast",
                            "--wait",
                            "--timeout=60",
                            "stop"),
                    null);
        }
        awaitEnd(postmasterPid, Duration.ofSeconds(30));
        if (isRunning()) {
            throw new IllegalStateException("PostgreSQL (pid " + postmasterPid + ") still runs after pg_ctl stop");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // close() called from another shutdown hook: this one then runs too, and finds nothing to stop.
        }
    }

    private void stopImmediately() {
        if (isRunning()) {
            try {
                run(
                        binDir,
                        List.of("pg_ctl", "--pgdata=" + baseDir.resolve("data"), "--mode=immediate", "--wait", "stop"),
                        null);
            } catch (RuntimeException e) {
                ProcessHandle.of(postmasterPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /** The folder holding PostgreSQL's server programs, or an error that says what to install. */
    static Path findBinaries() {
        List<Path> candidates = new ArrayList<>();
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.filter(dir -> VERSION_FOLDER
                                .matcher(dir.getFileName().toString())
                                .matches())
                        .sorted(Comparator.comparingDouble((Path dir) ->
                                        Double.parseDouble(dir.getFileName().toString()))
                                .reversed())
                        .forEach(dir -> candidates.add(dir.resolve("bin")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + debian, e);
            }
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            Path initdb = Path.of(entry.isEmpty() ? "." : entry, "initdb");
            if (Files.isExecutable(initdb)) {
                try {
                    candidates.add(initdb.toRealPath().getParent());
                } catch (IOException e) {
                    // a dangling link: not a usable installation, look further
                }
            }
        }
        for (Path candidate : candidates) {
            if (Stream.of("initdb", "pg_ctl", "postgres", "createdb")
                    .allMatch(name -> Files.isExecutable(candidate.resolve(name)))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "PostgreSQL server programs (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/*/bin"
                        + " or on PATH: install Debian's postgresql package (apt-get install postgresql)");
    }

    private static boolean runningAsRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /** As root, hands {@code dir} to the unprivileged user, who must exist. */
    private static void giveToUnprivilegedUser(Path dir) throws IOException {
        if (!runningAsRoot()) {
            return;
        }
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner;
        try {
            owner = lookup.lookupPrincipalByName(UNPRIVILEGED_USER);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException(
                    "the tests run as root and PostgreSQL refuses to: user '" + UNPRIVILEGED_USER
                            + "' to run it as does not exist (install Debian's postgresql package, which creates it)",
                    e);
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                view.setOwner(owner);
                try {
                    GroupPrincipal group = lookup.lookupPrincipalByGroupName(UNPRIVILEGED_USER);
                    view.setGroup(group);
                } catch (UserPrincipalNotFoundException e) {
                    // no group of that name: the owner alone is enough
                }
            }
        }
    }

    /**
     * Stops a server that a killed test JVM left running in {@code baseDir} (its pid file is still
     * there); nothing when there is none.
     */
    static void endLeftover(Path baseDir) {
        Path dataDir = baseDir.toAbsolutePath().normalize().resolve("data");
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            stopLeftover(findBinaries(), dataDir);
        }
    }

    private static void stopLeftover(Path binDir, Path dataDir) {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            try {
                run(binDir, List.of("pg_ctl", "--pgdata=" + dataDir, "--mode=immediate", "--wait", "stop"), null);
            } catch (RuntimeException e) {
                // stale pid file of a server that is gone: nothing to stop
            }
        }
    }

    private static long readPostmasterPid(Path dataDir) throws IOException {
        String first = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.US_ASCII)
                .get(0)
                .trim();
        return Long.parseLong(first);
    }

    /** Runs a PostgreSQL program of {@code binDir}, as the unprivileged user when this is root. */
    private static String run(Path binDir, List<String> command, String passwordForClient) {
        List<String> full = new ArrayList<>();
        if (runningAsRoot()) {
            if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
                full.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
            } else {
                full.addAll(List.of(
                        "setpriv",
                        "--reuid=" + UNPRIVILEGED_USER,
                        "--regid=" + UNPRIVILEGED_USER,
                        "--init-groups",
                        "--"));
            }
        }
        full.add(binDir.resolve(command.get(0)).toString());
        full.addAll(command.subList(1, command.size()));
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .directory(Path.of("/").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PG"));
        if (passwordForClient != null) {
            builder.environment().put("PGPASSWORD", passwordForClient);
        }
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // pg_ctl start leaves the postmaster running with our stdout: read to the program's end only.
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not end within " + COMMAND_TIMEOUT);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " failed with exit status " + process.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    private static void awaitEnd(long pid, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
