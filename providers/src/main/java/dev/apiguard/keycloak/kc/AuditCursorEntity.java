package dev.apiguard.keycloak.kc;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The delivery cursor of one audit sink (table {@code APIGUARD_AUDIT_CURSOR}): every row up to {@code POSITION} is delivered. */
@Entity(name = "ApiGuardAuditCursor")
@Table(name = "APIGUARD_AUDIT_CURSOR")
public class AuditCursorEntity {

    @Id
    @Column(name = "SINK", length = 64)
    private String sink;

    @Column(name = "DELIVERED_SEQ", nullable = false)
    private long deliveredSeq;

    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    protected AuditCursorEntity() {}

    AuditCursorEntity(String sink, long position, long updatedAt) {
        this.sink = sink;
        this.deliveredSeq = position;
        this.updatedAt = updatedAt;
    }

    long getPosition() {
        return deliveredSeq;
    }

    long getUpdatedAt() {
        return updatedAt;
    }

    void setPosition(long position, long updatedAt) {
        this.deliveredSeq = position;
        this.updatedAt = updatedAt;
    }
}
