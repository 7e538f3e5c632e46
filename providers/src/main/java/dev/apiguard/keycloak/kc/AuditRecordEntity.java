package dev.apiguard.keycloak.kc;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the audit outbox (table {@code APIGUARD_AUDIT_OUTBOX}, see {@code META-INF/apiguard-audit-changelog.xml}). */
@Entity(name = "ApiGuardAuditRecord")
@Table(name = "APIGUARD_AUDIT_OUTBOX")
public class AuditRecordEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "SEQ")
    private Long seq;

    @Column(name = "EVENT_ID", length = 36, nullable = false)
    private String eventId;

    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "RECORD_JSON", nullable = false, length = 1048576)
    private String record;

    protected AuditRecordEntity() {}

    AuditRecordEntity(String eventId, String realmId, long createdAt, String record) {
        this.eventId = eventId;
        this.realmId = realmId;
        this.createdAt = createdAt;
        this.record = record;
    }

    Long getSeq() {
        return seq;
    }

    String getEventId() {
        return eventId;
    }

    String getRealmId() {
        return realmId;
    }

    long getCreatedAt() {
        return createdAt;
    }

    String getRecord() {
        return record;
    }
}
