package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AuditMetricsTest {

    @Test
    void countersWhenRecordedAndDeliveredThenTaggedWithBoundedLabelsOnly() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuditMetrics metrics = new AuditMetrics(registry);

        metrics.recorded("failure", 3003, "abac_deny");
        metrics.recorded("failure", 3003, "abac_deny");
        metrics.recorded("success", 3002, null);
        metrics.delivered("file", 3);
        metrics.failed("webhook");

        assertThat(registry.get("apiguard.audit.records")
                        .tags("outcome", "failure", "ocsf_class", "3003", "decision", "abac_deny")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get("apiguard.audit.records")
                        .tags("decision", "none")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("apiguard.audit.delivered")
                        .tags("sink", "file")
                        .counter()
                        .count())
                .isEqualTo(3.0);
        assertThat(registry.get("apiguard.audit.delivery.failures")
                        .tags("sink", "webhook")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.getMeters())
                .allSatisfy(meter -> assertThat(meter.getId().getTags())
                        .extracting(tag -> tag.getKey())
                        .isSubsetOf("outcome", "ocsf_class", "decision", "sink"));
    }

    @Test
    void countersWhenMetricsOffThenNoMeterAnywhere() {
        int before =
                io.micrometer.core.instrument.Metrics.globalRegistry.getMeters().size();

        AuditMetrics.OFF.recorded("success", 3002, null);
        AuditMetrics.OFF.delivered("file", 1);
        AuditMetrics.OFF.failed("file");

        assertThat(io.micrometer.core.instrument.Metrics.globalRegistry.getMeters())
                .hasSize(before);
    }
}
