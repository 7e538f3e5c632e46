package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file sink's chain and checkpoints, checked by {@link AuditLogVerifier} and its command. */
class AuditFileTest {

    @TempDir
    Path tmp;

    private Path dir;
    private CheckpointKey key;

    @BeforeEach
    void setUp() throws IOException {
        dir = tmp.resolve("audit");
        key = CheckpointKey.loadOrCreate(tmp.resolve("audit-signing-key.pem"), dir);
    }

    private static OutboxRow row(long seq, String realm) {
        String json = "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"schema\":\"apiguard/v1\",\"event\":{\"id\":\"id-"
                + seq + "\",\"action\":\"login\",\"outcome\":\"success\"},\"keycloak\":{\"realm\":\"" + realm + "\"}}";
        return new OutboxRow(seq, "id-" + seq, "rid", 0, json);
    }

    private Path write(int records, int checkpointEvery) throws IOException {
        try (FileSink sink = new FileSink(dir, 1L << 30, 5, checkpointEvery, key)) {
            List<OutboxRow> batch = new ArrayList<>();
            for (int i = 1; i <= records; i++) {
                batch.add(row(i, "demo"));
                if (batch.size() == 7) {
                    sink.deliver(batch);
                    batch.clear();
                }
            }
            sink.deliver(batch);
        }
        return dir.resolve("demo.jsonl");
    }

    private int verify(Path file, StringBuilder message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AuditLogVerifyCommand.run(
                new String[] {file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        message.append(out.toString(StandardCharsets.UTF_8)).append(err.toString(StandardCharsets.UTF_8));
        return status;
    }

    private static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static void rewrite(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void verifyWhenFileIntactThenExitZero() throws IOException {
        Path file = write(50, 10);
        StringBuilder message = new StringBuilder();

        assertThat(verify(file, message)).as(message.toString()).isZero();
        assertThat(lines(file)).hasSize(55); // 50 records and a checkpoint line after every 10
        assertThat(message).contains("intact, 55 lines");
    }

    @Test
    void verifyWhenLineEditedThenExitOneNamingIt() throws IOException {
        Path file = write(20, 100);
        List<String> lines = lines(file);
        lines.set(11, lines.get(11).replace("\"outcome\":\"success\"", "\"outcome\":\"failure\""));
        rewrite(file, lines);
        StringBuilder message = new StringBuilder();

        assertThat(verify(file, message)).isEqualTo(1);
        assertThat(message).contains("line 12: record changed");
    }

    @Test
    void verifyWhenLineRemovedThenExitOneNamingTheLineAfterTheGap() throws IOException {
        Path file = write(20, 100);
        List<String> lines = lines(file);
        lines.remove(4);
        rewrite(file, lines);
        StringBuilder message = new StringBuilder();

        assertThat(verify(file, message)).isEqualTo(1);
        assertThat(message).contains("line 5: chain broken");
    }

    @Test
    void verifyWhenLineInsertedThenExitOneNamingIt() throws IOException {
        Path file = write(20, 100);
        List<String> lines = lines(file);
        lines.add(8, lines.get(3));
        rewrite(file, lines);
        StringBuilder message = new StringBuilder();

        assertThat(verify(file, message)).isEqualTo(1);
        assertThat(message).contains("line 9: chain broken");
    }

    @Test
    void verifyWhenTailCutThenTruncationFoundAgainstTheCheckpoint() throws IOException {
        Path file = write(30, 100);
        List<String> lines = lines(file);
        rewrite(file, lines.subList(0, 27));
        StringBuilder message = new StringBuilder();

        assertThat(verify(file, message)).isEqualTo(1);
        assertThat(message).contains("truncated").contains("covers 30 lines, the file has 27");
    }

    @Test
    void verifyWhenCheckpointForgedWithAnotherKeyThenRefused() throws IOException {
        Path file = write(10, 100);
        CheckpointKey other = CheckpointKey.loadOrCreate(tmp.resolve("other.pem"), tmp.resolve("other"));
        Files.copy(
                tmp.resolve("other").resolve(CheckpointKey.PUBLIC_KEY_FILE),
                dir.resolve(CheckpointKey.PUBLIC_KEY_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        StringBuilder message = new StringBuilder();

        assertThat(other.keyId()).isNotEqualTo(key.keyId());
        assertThat(verify(file, message)).isEqualTo(1);
        assertThat(message).contains("no valid signature");
    }

    @Test
    void sinkWhenLastLineHalfWrittenByACrashThenCutAndChainContinues() throws IOException {
        Path file = write(10, 100);
        Files.writeString(file, "{\"half\":", StandardOpenOption.APPEND);
        try (FileSink sink = new FileSink(dir, 1L << 30, 5, 100, key)) {
            sink.deliver(List.of(row(11, "demo"), row(12, "demo")));
        }
        StringBuilder message = new StringBuilder();

        assertThat(verify(file, message)).as(message.toString()).isZero();
        assertThat(lines(file)).hasSize(12);
    }

    @Test
    void sinkWhenRealmsDifferThenOneChainPerRealmFile() throws IOException {
        try (FileSink sink = new FileSink(dir, 1L << 30, 5, 100, key)) {
            sink.deliver(List.of(row(1, "demo"), row(2, "other"), row(3, "demo"), row(4, "../evil")));
        }

        assertThat(lines(dir.resolve("demo.jsonl"))).hasSize(2);
        assertThat(lines(dir.resolve("other.jsonl"))).hasSize(1);
        assertThat(lines(dir.resolve("rid.jsonl"))).hasSize(1);
        for (String name : List.of("demo.jsonl", "other.jsonl")) {
            StringBuilder message = new StringBuilder();
            assertThat(verify(dir.resolve(name), message))
                    .as(message.toString())
                    .isZero();
        }
    }

    @Test
    void sinkWhenFileExceedsMaxBytesThenRotatedKeptAndChainedAcrossFiles() throws IOException {
        try (FileSink sink = new FileSink(dir, 2048, 2, 1000, key)) {
            for (int i = 1; i <= 60; i++) {
                sink.deliver(List.of(row(i, "demo")));
            }
        }
        List<Path> rotated;
        try (Stream<Path> files = Files.list(dir)) {
            rotated = files.filter(p -> p.getFileName().toString().matches("demo\\.\\d{8}T\\d{9}\\.jsonl"))
                    .sorted()
                    .toList();
        }

        assertThat(rotated).hasSize(2);
        for (Path file : List.of(rotated.get(0), rotated.get(1), dir.resolve("demo.jsonl"))) {
            StringBuilder message = new StringBuilder();
            assertThat(verify(file, message)).as(message.toString()).isZero();
        }
        String lastOfRotated = lines(rotated.get(1)).get(lines(rotated.get(1)).size() - 1);
        String firstOfCurrent = lines(dir.resolve("demo.jsonl")).get(0);
        String head = (String)
                ((java.util.Map<?, ?>) AuditRecords.parse(lastOfRotated).get("chain")).get("hash");
        assertThat(((java.util.Map<?, ?>) AuditRecords.parse(firstOfCurrent).get("chain")).get("prev"))
                .isEqualTo(head);
    }

    @Test
    void verifierWhenNoCheckpointFileThenChainStillChecked() throws Exception {
        Path file = write(5, 100);

        AuditLogVerifier.Result result = AuditLogVerifier.verify(
                file, CheckpointKey.readPublicKey(dir.resolve(CheckpointKey.PUBLIC_KEY_FILE)), Optional.empty());

        assertThat(result.intact()).isTrue();
        assertThat(result.lines()).isEqualTo(5);
    }
}
