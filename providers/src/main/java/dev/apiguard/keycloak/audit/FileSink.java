package dev.apiguard.keycloak.audit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON lines files, one chain per realm: {@code <dir>/<realm>.jsonl}. The chain ({@link AuditChain})
 * is computed here, at delivery, by the one dispatcher that holds the sink's cursor: the request
 * path writes only its outbox row, and no lock is shared between requests.
 *
 * <p>Each delivered batch is written, forced to disk, and then the file's signed head
 * ({@code <file>.checkpoint}, replaced atomically) is updated; every {@code checkpointEvery}
 * records, and before a rotation, a signed checkpoint line also enters the file. A file larger than
 * {@code maxBytes} is rotated to {@code <realm>.<UTC time>.jsonl} (its chain continues in the new
 * file); at most {@code maxFiles} rotated files per realm are kept. A line left half-written by a
 * crash is cut on the next start (its row is still in the outbox and is delivered again).
 */
final class FileSink implements AuditSink {

    static final String EXTENSION = ".jsonl";
    static final String CHECKPOINT_SUFFIX = ".checkpoint";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final DateTimeFormatter ROTATED =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final long maxBytes;
    private final int maxFiles;
    private final int checkpointEvery;
    private final CheckpointKey key;
    private final Map<String, RealmFile> files = new HashMap<>();

    FileSink(Path dir, long maxBytes, int maxFiles, int checkpointEvery, CheckpointKey key) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.checkpointEvery = checkpointEvery;
        this.key = key;
        Files.createDirectories(dir);
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public synchronized void deliver(List<OutboxRow> rows) throws IOException {
        Map<String, RealmFile> touched = new LinkedHashMap<>();
        for (OutboxRow row : rows) {
            Map<String, Object> record = AuditRecords.parse(row.json());
            RealmFile file = file(fileName(record, row));
            if (file.size >= maxBytes) {
                rotate(file);
            }
            file.append(record);
            if (file.sinceCheckpoint >= checkpointEvery) {
                file.checkpointLine();
            }
            touched.put(file.name, file);
        }
        for (RealmFile file : touched.values()) {
            file.flush();
            file.channel.force(false);
            file.writeSidecar();
        }
    }

    @Override
    public synchronized void close() {
        for (RealmFile file : files.values()) {
            try {
                file.channel.close();
            } catch (IOException e) {
                // Closing after a forced write: nothing is lost.
            }
        }
        files.clear();
    }

    @SuppressWarnings("unchecked")
    private static String fileName(Map<String, Object> record, OutboxRow row) {
        Object keycloak = record.get("keycloak");
        Object realm = keycloak instanceof Map<?, ?> map ? ((Map<String, Object>) map).get("realm") : null;
        String name = realm instanceof String s && SAFE_NAME.matcher(s).matches() ? s : row.realmId();
        return SAFE_NAME.matcher(name).matches() ? name : "realm-" + Integer.toHexString(name.hashCode());
    }

    private RealmFile file(String name) throws IOException {
        RealmFile file = files.get(name);
        if (file == null) {
            file = new RealmFile(name, dir.resolve(name + EXTENSION));
            files.put(name, file);
        }
        return file;
    }

    private void rotate(RealmFile file) throws IOException {
        file.checkpointLine();
        file.flush();
        file.channel.force(false);
        file.writeSidecar();
        file.channel.close();
        Instant when = Instant.now();
        Path rotated = dir.resolve(file.name + "." + ROTATED.format(when) + EXTENSION);
        while (Files.exists(rotated)) {
            // Two rotations within a millisecond: the name must not replace the earlier file.
            when = when.plusMillis(1);
            rotated = dir.resolve(file.name + "." + ROTATED.format(when) + EXTENSION);
        }
        Files.move(file.path, rotated, StandardCopyOption.ATOMIC_MOVE);
        Path sidecar = Path.of(file.path + CHECKPOINT_SUFFIX);
        if (Files.exists(sidecar)) {
            Files.move(sidecar, Path.of(rotated + CHECKPOINT_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        }
        file.reopenEmpty();
        prune(file.name);
    }

    private void prune(String realm) throws IOException {
        List<Path> rotated = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, realm + ".*" + EXTENSION)) {
            for (Path p : stream) {
                String rest = p.getFileName().toString().substring(realm.length() + 1);
                if (rest.matches("\\d{8}T\\d{9}\\" + EXTENSION)) {
                    rotated.add(p);
                }
            }
        }
        rotated.sort(null);
        for (int i = 0; i < rotated.size() - maxFiles; i++) {
            Files.deleteIfExists(rotated.get(i));
            Files.deleteIfExists(Path.of(rotated.get(i) + CHECKPOINT_SUFFIX));
        }
    }

    /** One realm's current file and its chain head. */
    private final class RealmFile {
        final String name;
        final Path path;
        FileChannel channel;
        long size;
        long lines;
        long seq;
        String head = AuditChain.GENESIS;
        long sinceCheckpoint;
        final StringBuilder pending = new StringBuilder();

        RealmFile(String name, Path path) throws IOException {
            this.name = name;
            this.path = path;
            open();
        }

        private void open() throws IOException {
            channel = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            long length = channel.size();
            long end = completeLength(length);
            if (end < length) {
                // A line half-written by a crash: its outbox row was not confirmed, it comes again.
                channel.truncate(end);
            }
            channel.position(end);
            size = end;
            if (end > 0) {
                resume();
            }
        }

        void reopenEmpty() throws IOException {
            channel = FileChannel.open(
                    path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
            size = 0;
            lines = 0;
            sinceCheckpoint = 0;
        }

        /** The length up to and including the last line break. */
        private long completeLength(long length) throws IOException {
            long pos = length;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (pos > 0) {
                one.clear();
                channel.read(one, pos - 1);
                if (one.get(0) == '\n') {
                    return pos;
                }
                pos--;
            }
            return 0;
        }

        /** Reads the chain head (last line) and counts the lines of an existing file. */
        @SuppressWarnings("unchecked")
        private void resume() throws IOException {
            String last = null;
            long count = 0;
            try (var reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    count++;
                    last = line;
                }
            }
            lines = count;
            Map<String, Object> chain =
                    (Map<String, Object>) AuditRecords.parse(last).get("chain");
            seq = ((Number) chain.get("seq")).longValue();
            head = (String) chain.get("hash");
        }

        void append(Map<String, Object> record) throws IOException {
            Map<String, Object> line = AuditChain.link(record, seq + 1, head);
            String json = AuditRecords.toJson(line);
            pending.append(json).append('\n');
            seq++;
            lines++;
            sinceCheckpoint++;
            head = (String) ((Map<?, ?>) line.get("chain")).get("hash");
            size += json.length() + 1;
            if (pending.length() > 1 << 16) {
                flush();
            }
        }

        void checkpointLine() throws IOException {
            Map<String, Object> payload = signedHead();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("@timestamp", payload.get("signed_at"));
            record.put("schema", AuditRecords.SCHEMA);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("kind", "state");
            event.put("action", "audit-checkpoint");
            event.put("dataset", "apiguard.audit");
            record.put("event", event);
            record.put("checkpoint", payload);
            append(record);
            sinceCheckpoint = 0;
        }

        private Map<String, Object> signedHead() {
            Map<String, Object> payload = AuditChain.checkpointPayload(
                    path.getFileName().toString(),
                    lines,
                    seq,
                    head,
                    key.keyId(),
                    Instant.now().toString());
            payload.put("signature", key.sign(CanonicalJson.of(payload)));
            return payload;
        }

        void flush() throws IOException {
            if (pending.isEmpty()) {
                return;
            }
            ByteBuffer bytes = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            pending.setLength(0);
            size = channel.position();
        }

        void writeSidecar() throws IOException {
            Path sidecar = Path.of(path + CHECKPOINT_SUFFIX);
            Path partial = Path.of(sidecar + ".partial");
            try (RandomAccessFile out = new RandomAccessFile(partial.toFile(), "rw")) {
                out.setLength(0);
                out.write((AuditRecords.toJson(signedHead()) + "\n").getBytes(StandardCharsets.UTF_8));
                out.getFD().sync();
            }
            Files.move(partial, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
