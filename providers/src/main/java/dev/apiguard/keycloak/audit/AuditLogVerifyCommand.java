package dev.apiguard.keycloak.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Optional;

/**
 * {@code ./apiguard audit-log verify [--public-key FILE] [--checkpoint FILE] FILE}: checks an audit
 * file ({@link AuditLogVerifier}). The public key defaults to {@code signing-key.pub} next to the
 * file, the checkpoint to {@code FILE.checkpoint} when it exists. Exit 0: intact; 1: tampered (the
 * first bad line is named); 2: usage or unreadable input.
 */
public final class AuditLogVerifyCommand {

    private AuditLogVerifyCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path publicKey = null;
        Path checkpoint = null;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--public-key", "--checkpoint" -> {
                    if (i + 1 >= args.length) {
                        err.println("audit-log verify: " + args[i] + " needs a file");
                        return 2;
                    }
                    Path value = Path.of(args[++i]);
                    if (args[i - 1].equals("--public-key")) {
                        publicKey = value;
                    } else {
                        checkpoint = value;
                    }
                }
                default -> {
                    if (args[i].startsWith("-") || file != null) {
                        err.println("usage: apiguard audit-log verify [--public-key FILE] [--checkpoint FILE] FILE");
                        return 2;
                    }
                    file = Path.of(args[i]);
                }
            }
        }
        if (file == null) {
            err.println("usage: apiguard audit-log verify [--public-key FILE] [--checkpoint FILE] FILE");
            return 2;
        }
        if (!Files.isRegularFile(file)) {
            err.println("audit-log verify: " + file + " is not a file");
            return 2;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (publicKey == null) {
            publicKey = dir.resolve(CheckpointKey.PUBLIC_KEY_FILE);
        }
        if (checkpoint == null) {
            Path sidecar = Path.of(file + FileSink.CHECKPOINT_SUFFIX);
            checkpoint = Files.exists(sidecar) ? sidecar : null;
        }
        PublicKey key;
        try {
            key = CheckpointKey.readPublicKey(publicKey);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            err.println("audit-log verify: cannot read the public key " + publicKey + ": " + e.getMessage());
            return 2;
        }
        try {
            AuditLogVerifier.Result result = AuditLogVerifier.verify(file, key, Optional.ofNullable(checkpoint));
            if (result.intact()) {
                out.println(file + ": intact, " + result.lines() + " lines"
                        + (checkpoint == null ? " (no checkpoint file: a cut tail cannot be seen)" : ""));
                return 0;
            }
            err.println(file + ": line " + result.line() + ": " + result.problem());
            return 1;
        } catch (IOException e) {
            err.println("audit-log verify: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }
}
