package dev.apiguard.keycloak.audit;

import dev.apiguard.keycloak.kc.AuditOutbox;
import dev.apiguard.keycloak.kc.Models;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The audit stream's event listener {@value #PROVIDER_ID}. Not global: a realm is audited once it
 * lists {@value #PROVIDER_ID} in its event listeners ({@code eventsListeners}); installing the JAR
 * changes no realm. Reads the server options once ({@link AuditSettings}); once Keycloak's database
 * is migrated, starts the dispatcher that delivers the outbox to the configured sinks.
 */
public final class AuditEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "apiguard-audit";
    private static final Logger LOG = Logger.getLogger(AuditEventListenerFactory.class);

    private AuditSettings settings;
    private AuditDispatcher dispatcher;
    private OutboxStore store;
    private AuditMetrics metrics = AuditMetrics.OFF;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AuditEventListener(session, settings.redaction(), metrics);
    }

    @Override
    public void init(Config.Scope config) {
        settings = AuditSettings.read(config::get);
        // Keycloak's own option; its registry is Micrometer's global one (as for Keycloak's meters).
        if (config.root().getBoolean("metrics-enabled", false)) {
            metrics = new AuditMetrics(Metrics.globalRegistry);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        store = new AuditOutbox(factory);
        factory.register(event -> {
            if (Models.isServerStarted(event) && dispatcher == null) {
                startDispatcher();
            }
        });
    }

    private synchronized void startDispatcher() {
        List<AuditSink> sinks = new ArrayList<>();
        try {
            for (String name : settings.sinkOrder()) {
                switch (name) {
                    case "file" ->
                        sinks.add(new FileSink(
                                settings.fileDir(),
                                settings.fileMaxBytes(),
                                settings.fileMaxFiles(),
                                settings.checkpointEvery(),
                                CheckpointKey.loadOrCreate(settings.signingKeyFile(), settings.fileDir())));
                    case "stdout" -> sinks.add(new StdoutSink(System.out));
                    case "webhook" ->
                        sinks.add(new WebhookSink(
                                settings.webhookUrl(),
                                settings.webhookSecret(),
                                Duration.ofSeconds(settings.webhookTimeoutSeconds())));
                    default -> throw new IllegalStateException("unknown sink " + name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("apiguard audit: cannot open the file sink in " + settings.fileDir(), e);
        }
        dispatcher = new AuditDispatcher(store, sinks, settings, metrics);
        dispatcher.start();
        LOG.infof(
                "apiguard audit: outbox ready; sinks %s%s",
                settings.sinkOrder().isEmpty()
                        ? "(none: records stay in the outbox for the admin API)"
                        : settings.sinkOrder(),
                settings.fileDir() == null ? "" : ", files in " + settings.fileDir());
    }

    /** Each sink's status on this node (empty before the server has started). */
    public List<SinkStatus> statuses() {
        AuditDispatcher current = dispatcher;
        return current == null ? List.of() : current.statuses();
    }

    /** The outbox (null before {@link #postInit}). */
    public OutboxStore store() {
        return store;
    }

    @Override
    public void close() {
        if (dispatcher != null) {
            dispatcher.stop();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name("sinks")
                .type("string")
                .helpText(
                        "Comma-separated sinks: file, stdout, webhook. Default: none (records stay in the outbox, readable through the admin API, for retention-hours).")
                .add()
                .property()
                .name("file-dir")
                .type("string")
                .helpText("Directory of the file sink's JSON lines files, one per realm. Required with the file sink.")
                .add()
                .property()
                .name("file-max-bytes")
                .type("string")
                .defaultValue("104857600")
                .helpText("A realm's file is rotated once larger than this many bytes.")
                .add()
                .property()
                .name("file-max-files")
                .type("string")
                .defaultValue("30")
                .helpText("Rotated files kept per realm; older ones are deleted.")
                .add()
                .property()
                .name("checkpoint-every")
                .type("string")
                .defaultValue("1000")
                .helpText(
                        "A signed checkpoint line every this many records (the signed head file is updated after every batch).")
                .add()
                .property()
                .name("signing-key-file")
                .type("string")
                .helpText(
                        "Ed25519 private key (PKCS#8 PEM) that signs checkpoints; made on first start. Default: audit-signing-key.pem next to file-dir.")
                .add()
                .property()
                .name("webhook-url")
                .type("string")
                .helpText("URL the webhook sink POSTs batches of JSON lines to; https, or http on loopback only.")
                .add()
                .property()
                .name("webhook-secret")
                .type("password")
                .helpText("HMAC-SHA256 key of the webhook signature, at least 32 characters.")
                .add()
                .property()
                .name("webhook-timeout-seconds")
                .type("string")
                .defaultValue("10")
                .helpText("Connect and answer timeout of one webhook delivery.")
                .add()
                .property()
                .name("address-mode")
                .type("string")
                .defaultValue("plain")
                .helpText("source.ip as plain, truncate (IPv4 /24, IPv6 /48) or hash (keyed).")
                .add()
                .property()
                .name("user-name-mode")
                .type("string")
                .defaultValue("plain")
                .helpText("user.name as plain, hash (keyed) or omit.")
                .add()
                .property()
                .name("pseudonym-key")
                .type("password")
                .helpText("Key of the keyed hash (HMAC-SHA256), at least 16 bytes; required when a mode is hash.")
                .add()
                .property()
                .name("poll-interval-ms")
                .type("string")
                .defaultValue("1000")
                .helpText("How often the dispatcher looks for new records.")
                .add()
                .property()
                .name("batch-size")
                .type("string")
                .defaultValue("500")
                .helpText("Records per delivery.")
                .add()
                .property()
                .name("gap-timeout-seconds")
                .type("string")
                .defaultValue("30")
                .helpText(
                        "How long a missing outbox position holds the cursor before it is taken for a rolled-back transaction.")
                .add()
                .property()
                .name("retention-hours")
                .type("string")
                .defaultValue("24")
                .helpText("Delivered records stay in the outbox (and the admin API) this long.")
                .add()
                .build();
    }
}
