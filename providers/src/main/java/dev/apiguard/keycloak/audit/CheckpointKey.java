package dev.apiguard.keycloak.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Ed25519 key that signs checkpoints. The private key is made on first use in a file of its
 * own (PKCS#8, mode 600, outside the audit directory, so that log collectors that read the
 * directory never ship it); its public half is written next to the logs ({@code signing-key.pub},
 * X.509 SubjectPublicKeyInfo in PEM) for {@code apiguard audit-log verify}. The key id is the first
 * 16 hex digits of the SHA-256 of the public key's encoding.
 */
public final class CheckpointKey {

    static final String PUBLIC_KEY_FILE = "signing-key.pub";
    private static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private CheckpointKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyId(publicKey);
    }

    /** Loads the key from {@code privateKeyFile}, or makes one there; writes the public key into {@code publicDir}. */
    public static CheckpointKey loadOrCreate(Path privateKeyFile, Path publicDir) throws IOException {
        try {
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            CheckpointKey key;
            if (Files.exists(privateKeyFile)) {
                byte[] der = pemBody(Files.readString(privateKeyFile, StandardCharsets.US_ASCII));
                PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
                PublicKey publicKey = publicOf(privateKeyFile);
                key = new CheckpointKey(privateKey, publicKey);
            } else {
                KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
                Files.createDirectories(privateKeyFile.toAbsolutePath().getParent());
                writePrivate(privateKeyFile, pair.getPrivate().getEncoded());
                Files.writeString(
                        Path.of(privateKeyFile + ".pub"),
                        pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                key = new CheckpointKey(pair.getPrivate(), pair.getPublic());
            }
            Files.createDirectories(publicDir);
            Files.writeString(publicDir.resolve(PUBLIC_KEY_FILE), pem("PUBLIC KEY", key.publicKey.getEncoded()));
            return key;
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "cannot read the checkpoint signing key " + privateKeyFile + ": " + e.getMessage(), e);
        }
    }

    private static PublicKey publicOf(Path privateKeyFile) throws IOException, GeneralSecurityException {
        Path pub = Path.of(privateKeyFile + ".pub");
        if (!Files.exists(pub)) {
            throw new IOException("the public half " + pub + " of the checkpoint signing key is missing");
        }
        return readPublicKey(pub);
    }

    public static PublicKey readPublicKey(Path file) throws IOException, GeneralSecurityException {
        byte[] der = pemBody(Files.readString(file, StandardCharsets.US_ASCII));
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    }

    private static void writePrivate(Path file, byte[] der) throws IOException {
        Path partial = Path.of(file + ".partial");
        Files.deleteIfExists(partial);
        try {
            Files.createFile(
                    partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: created with the default permissions.
            Files.createFile(partial);
        }
        Files.writeString(partial, pem("PRIVATE KEY", der));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    public String keyId() {
        return keyId;
    }

    /** Base64url (no padding) Ed25519 signature of {@code data}'s UTF-8 bytes. */
    public String sign(String data) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(data.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public static boolean verify(PublicKey key, String data, String signatureB64) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(data.getBytes(StandardCharsets.UTF_8));
            return signature.verify(Base64.getUrlDecoder().decode(signatureB64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] pemBody(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
