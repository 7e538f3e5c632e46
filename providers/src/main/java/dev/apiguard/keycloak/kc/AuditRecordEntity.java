package dev.apiguard.keycloak.kc;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of the audit outbox (table {@code APIGUARD_AUDIT_OUTBOX}, see {@code
 * META-INF/apiguard-audit-changelog.xml}). The record is in exactly one of two columns: {@code
 * RECORD_TEXT} ({@code VARCHAR(4000)}) when it is ASCII and fits, {@code RECORD_JSON} ({@code TEXT},
 * a LOB on some databases) otherwise, like Keycloak's own {@code DETAILS_JSON} and
 * {@code DETAILS_JSON_LONG_VALUE}: most records are a few hundred ASCII characters, and a LOB costs
 * an insert and a read of their own on H2.
 */
@Entity(name = "ApiGuardAuditRecord")
@Table(name = AuditRecordEntity.TABLE)
public class AuditRecordEntity {

    static final String TABLE = "APIGUARD_AUDIT_OUTBOX";

    /** The length of {@code RECORD_TEXT}, in characters (and bytes: it holds ASCII only, so any database's VARCHAR fits it). */
    static final int TEXT_LENGTH = 4000;

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

    @Column(name = "RECORD_TEXT", length = TEXT_LENGTH)
    private String recordText;

    @Column(name = "RECORD_JSON", length = 1048576)
    private String record;

    protected AuditRecordEntity() {}

    AuditRecordEntity(String eventId, String realmId, long createdAt, String record) {
        this.eventId = eventId;
        this.realmId = realmId;
        this.createdAt = createdAt;
        if (fitsText(record)) {
            this.recordText = record;
        } else {
            this.record = record;
        }
    }

    /** Whether {@code json} goes to {@code RECORD_TEXT}: at most {@value #TEXT_LENGTH} characters, all ASCII. */
    static boolean fitsText(String json) {
        if (json.length() > TEXT_LENGTH) {
            return false;
        }
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
