package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One self-signed certificate for 127.0.0.1 (made with the server JDK's keytool, P-256 like
 * {@code ./apiguard}), served by both Keycloaks, and the client TLS context that trusts exactly it.
 */
final class ServerTls {

    private final Path keyStore;
    private final String password;
    private final SSLContext clientContext;

    private ServerTls(Path keyStore, String password, SSLContext clientContext) {
        this.keyStore = keyStore;
        this.password = password;
        this.clientContext = clientContext;
    }

    static ServerTls create(Path javaHome, Path dir) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path keyStore = dir.resolve("server.p12");
        Path certificate = dir.resolve("server.crt");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(keyStore);
            Files.deleteIfExists(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        String keytool = javaHome.resolve("bin/keytool").toString();
        run(
                List.of(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-sigalg",
                        "SHA256withECDSA",
                        "-validity",
                        "7",
                        "-dname",
                        "CN=127.0.0.1,O=API Guard benchmark",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-keystore",
                        keyStore.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass:env",
                        "BENCH_TLS_PASSWORD"),
                password);
        run(
                List.of(
                        keytool,
                        "-exportcert",
                        "-rfc",
                        "-alias",
                        "server",
                        "-keystore",
                        keyStore.toString(),
                        "-storepass:env",
                        "BENCH_TLS_PASSWORD",
                        "-file",
                        certificate.toString()),
                password);
        return new ServerTls(keyStore, password, trusting(certificate));
    }

    private static void run(List<String> command, String password) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("BENCH_TLS_PASSWORD", password);
        try {
            Process process = builder.start();
            String output =
                    new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    private static SSLContext trusting(Path certificateFile) {
        try (InputStream in = Files.newInputStream(certificateFile)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("benchmark-server", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + certificateFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + certificateFile, e);
        }
    }

    Path keyStore() {
        return keyStore;
    }

    String password() {
        return password;
    }

    SSLContext clientContext() {
        return clientContext;
    }
}
