package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditSettingsTest {

    @Test
    void readWhenNothingSetThenNoSinkAndDefaults() {
        AuditSettings settings = AuditSettings.read(name -> null);

        assertThat(settings.sinks()).isEmpty();
        assertThat(settings.pollMillis()).isEqualTo(1000);
        assertThat(settings.retentionHours()).isEqualTo(24);
    }

    @Test
    void readWhenFileSinkThenKeyNextToTheDirectory() {
        AuditSettings settings = AuditSettings.read(Map.of("sinks", "file, stdout", "file-dir", "/data/audit")::get);

        assertThat(settings.sinkOrder()).containsExactly("file", "stdout");
        assertThat(settings.signingKeyFile().toString()).isEqualTo("/data/audit-signing-key.pem");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "sinks=kafka | unknown sink 'kafka', allowed: file, stdout, webhook",
                "sinks=file | file-dir is required with the file sink",
                "sinks=webhook | webhook-url is required",
                "sinks=webhook;webhook-url=http://example.com/x;webhook-secret=0123456789012345678901234567890123 | must be https (http only on loopback)",
                "sinks=webhook;webhook-url=https://example.com/x;webhook-secret=short | at least 32 characters, got 5",
                "poll-interval-ms=10 | poll-interval-ms must be from 50 to 60000, got 10",
                "batch-size=many | batch-size must be a whole number from 1 to 10000, got 'many'",
                "address-mode=mask | address-mode: 'mask' is not one of plain, truncate, hash",
                "user-name-mode=hash | pseudonym-key: hashing addresses or user names needs a pseudonym key"
            })
    void readWhenOptionBadThenMessageNamesOptionAndValue(String options, String message) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (String pair : options.split(";")) {
            String[] kv = pair.split("=", 2);
            values.put(kv[0].trim(), kv[1].trim());
        }

        assertThatThrownBy(() -> AuditSettings.read(values::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AuditSettings.OPTION_PREFIX)
                .hasMessageContaining(message);
    }
}
