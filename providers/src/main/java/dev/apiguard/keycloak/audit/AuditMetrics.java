package dev.apiguard.keycloak.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters on Keycloak's metrics endpoint (Micrometer, when Keycloak runs with
 * {@code --metrics-enabled=true}; nothing is counted otherwise). Labels are bounded: no realm,
 * user, client or address.
 * <ul>
 *   <li>{@code apiguard_audit_records_total{outcome, ocsf_class, decision}}: records written
 *       (outcome 2 values, class 4, decision 6 including {@code none});</li>
 *   <li>{@code apiguard_audit_delivered_total{sink}}, {@code apiguard_audit_delivery_failures_total{sink}}:
 *       records a sink took, and failed delivery attempts (sink 3 values);</li>
 *   <li>{@code apiguard_audit_alerts_total{detector, severity}}: alert records written (detector 9
 *       values, severity 4).</li>
 * </ul>
 */
final class AuditMetrics {

    static final AuditMetrics OFF = new AuditMetrics(null);

    private final Meter.MeterProvider<Counter> records;
    private final Meter.MeterProvider<Counter> delivered;
    private final Meter.MeterProvider<Counter> failures;
    private final Meter.MeterProvider<Counter> alerts;

    AuditMetrics(MeterRegistry registry) {
        if (registry == null) {
            records = null;
            delivered = null;
            failures = null;
            alerts = null;
            return;
        }
        records = Counter.builder("apiguard.audit.records")
                .description("Audit records written to the outbox")
                .withRegistry(registry);
        delivered = Counter.builder("apiguard.audit.delivered")
                .description("Audit records a sink confirmed (redeliveries included)")
                .withRegistry(registry);
        failures = Counter.builder("apiguard.audit.delivery.failures")
                .description("Failed delivery attempts of an audit sink")
                .withRegistry(registry);
        alerts = Counter.builder("apiguard.audit.alerts")
                .description("Alert records the detectors wrote to the outbox")
                .withRegistry(registry);
    }

    void alerted(String detector, String severity) {
        if (alerts != null) {
            alerts.withTags("detector", detector, "severity", severity).increment();
        }
    }

    void recorded(String outcome, int ocsfClass, String decision) {
        if (records != null) {
            records.withTags(
                            "outcome",
                            outcome,
                            "ocsf_class",
                            Integer.toString(ocsfClass),
                            "decision",
                            decision == null ? "none" : decision)
                    .increment();
        }
    }

    void delivered(String sink, int count) {
        if (delivered != null && count > 0) {
            delivered.withTags("sink", sink).increment(count);
        }
    }

    void failed(String sink) {
        if (failures != null) {
            failures.withTags("sink", sink).increment();
        }
    }
}
