package dev.apiguard.keycloak.kc;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Adds the audit outbox and cursor tables to Keycloak's database (Keycloak's JPA entity-provider
 * SPI; Keycloak runs the Liquibase changelog at start like its own). Provider and factory in one:
 * the provider holds nothing.
 */
public final class AuditJpaEntityProvider implements JpaEntityProvider, JpaEntityProviderFactory {

    public static final String PROVIDER_ID = "apiguard-audit";

    @Override
    public List<Class<?>> getEntities() {
        return List.of(AuditRecordEntity.class, AuditCursorEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/apiguard-audit-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return PROVIDER_ID;
    }

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void init(Config.Scope config) {
        // No options.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Nothing to start.
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
