package dev.apiguard.keycloak.realmaudit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every check with a failing and a passing fixture: each row edits the clean realm (which has no
 * finding) so that the check fires, and edits it a second way, as close to the first as possible,
 * so that it does not. Rows are {@code id | failing edits | passing edits}.
 */
class ChecksTest {

    private static final String KEYS = "components['org.keycloak.keys.KeyProvider']";
    private static final String LDAP = "components['org.keycloak.storage.UserStorageProvider'][0]";

    private static final String TABLE = """
            client.redirect-uri-any | clients[0].redirectUris=["*"] | clients[0].redirectUris=["https://app.example.org/cb"]
            client.redirect-uri-wildcard | clients[0].redirectUris=["https://app.example.org/*"] | clients[0].redirectUris=["https://app.example.org/cb"]
            client.redirect-uri-http | clients[0].redirectUris=["http://app.example.org/cb"] | clients[0].redirectUris=["http://127.0.0.1:8080/cb"]
            client.redirect-uri-localhost-name | clients[1].redirectUris=["http://localhost/cb"] | clients[1].redirectUris=["http://[::1]/cb"]
            client.redirect-uri-custom-scheme | clients[1].redirectUris=["myapp:/cb"] | clients[1].redirectUris=["com.example.app:/cb"]
            client.redirect-uri-fragment | clients[0].redirectUris=["https://app.example.org/cb#x"] | clients[0].redirectUris=["https://app.example.org/cb?x=1"]
            client.implicit-flow | clients[0].implicitFlowEnabled=true | clients[0].implicitFlowEnabled=false
            client.password-grant | clients[0].directAccessGrantsEnabled=true | clients[0].directAccessGrantsEnabled=false
            client.pkce-missing | clientPolicies=~ ; clients[0].attributes['pkce.code.challenge.method']=~ | clients[0].attributes['pkce.code.challenge.method']=~
            client.pkce-plain | clients[0].attributes['pkce.code.challenge.method']="plain" | clients[0].attributes['pkce.code.challenge.method']="S256"
            client.access-token-lifespan-above-ceiling | clients[0].attributes['access.token.lifespan']="3600" | clients[0].attributes['access.token.lifespan']="300"
            client.signature-none | clients[0].attributes['request.object.signature.alg']="any" | clients[0].attributes['request.object.signature.alg']="ES256"
            client.signature-not-fapi | clients[0].attributes['id.token.signed.response.alg']="RS256" | clients[0].attributes['id.token.signed.response.alg']="ES256"
            client.shared-secret-authentication | clients[0].clientAuthenticatorType="client-secret" | clients[0].clientAuthenticatorType="client-x509"
            client.full-scope-allowed | clients[0].fullScopeAllowed=true | clients[0].fullScopeAllowed=false
            client.client-credentials-refresh-token | clients[2].attributes['client_credentials.use_refresh_token']="true" | clients[2].attributes['client_credentials.use_refresh_token']="false"
            client.service-account-admin | users[0].clientRoles={"realm-management":["manage-users"]} | users[0].clientRoles={"account":["manage-account"]}
            client.service-account-realm-management | users[0].clientRoles={"realm-management":["view-users"]} | users[0].clientRoles={"account":["view-profile"]}
            client.web-origins-wildcard | clients[0].webOrigins=["*"] | clients[0].webOrigins=["+"]
            client.web-origins-http | clients[0].webOrigins=["http://app.example.org"] | clients[0].webOrigins=["http://127.0.0.1:3000"]
            client.post-logout-redirect-wildcard | clients[0].attributes['post.logout.redirect.uris']="https://app.example.org/*" | clients[0].attributes['post.logout.redirect.uris']="+"
            client.backchannel-logout-http | clients[0].attributes['backchannel.logout.url']="http://app.example.org/logout" | clients[0].attributes['backchannel.logout.url']="https://app.example.org/bye"
            client.issuer-excluded | clients[0].attributes['exclude.issuer.from.auth.response']="true" | clients[0].attributes['exclude.issuer.from.auth.response']="false"
            client.device-grant | clients[0].attributes['oauth2.device.authorization.grant.enabled']="true" | clients[0].attributes['oauth2.device.authorization.grant.enabled']="false"
            client.jwks-url-http | clients[0].attributes['jwks.url']="http://app.example.org/jwks" | clients[0].attributes['jwks.url']="https://app.example.org/keys"
            client.access-token-not-typed | clients[0].attributes['access.token.header.type.rfc9068']="false" | clients[0].attributes['access.token.header.type.rfc9068']="true"
            client.offline-access-default-scope | clients[0].defaultClientScopes=["basic","offline_access"] | clients[0].optionalClientScopes=["offline_access"]
            client.par-not-required | clients[0].attributes['require.pushed.authorization.requests']="false" | clients[0].attributes['require.pushed.authorization.requests']="true"
            client.public-refresh-not-sender-constrained | clients[1].attributes['dpop.bound.access.tokens']="false" | clients[1].attributes['dpop.bound.access.tokens']="true"
            client.saml-unsigned-responses | clients[3].attributes['saml.server.signature']="false" ; clients[3].attributes['saml.assertion.signature']="false" | clients[3].attributes['saml.server.signature']="false" ; clients[3].attributes['saml.assertion.signature']="true"
            client.saml-unsigned-requests | clients[3].attributes['saml.client.signature']="false" | clients[3].attributes['saml.client.signature']="true"
            client.saml-sha1 | clients[3].attributes['saml.signature.algorithm']="RSA_SHA1" | clients[3].attributes['saml.signature.algorithm']="RSA_SHA512"
            realm.ssl-not-required | sslRequired="none" | sslRequired="all"
            realm.ssl-external-only | sslRequired="external" | sslRequired="all"
            realm.brute-force-off | bruteForceProtected=false | bruteForceProtected=true
            realm.brute-force-weak | failureFactor=1000 | failureFactor=10
            realm.events-off | eventsEnabled=false | eventsEnabled=true
            realm.login-errors-not-stored | enabledEventTypes=["LOGIN"] | enabledEventTypes=["LOGIN","LOGIN_ERROR","LOGOUT"]
            realm.admin-events-off | adminEventsEnabled=false | adminEventsEnabled=true
            realm.admin-events-without-details | adminEventsDetailsEnabled=false | adminEventsDetailsEnabled=true
            realm.access-token-lifespan-long | accessTokenLifespan=3600 | accessTokenLifespan=3600 ; attributes['apiguard.accessTokenLifespanCeiling']="3600"
            realm.code-lifespan-long | accessCodeLifespan=600 | accessCodeLifespan=30
            realm.refresh-token-not-rotated | revokeRefreshToken=false | revokeRefreshToken=true
            realm.refresh-token-reuse-allowed | refreshTokenMaxReuse=2 | refreshTokenMaxReuse=0
            realm.sso-session-max-long | ssoSessionMaxLifespan=604800 | ssoSessionMaxLifespan=43200
            realm.sso-session-idle-long | ssoSessionIdleTimeout=86400 | ssoSessionIdleTimeout=900
            realm.offline-sessions-unbounded | offlineSessionMaxLifespanEnabled=false | offlineSessionMaxLifespanEnabled=true
            realm.signature-algorithm-not-fapi | defaultSignatureAlgorithm=~ | defaultSignatureAlgorithm="PS256"
            realm.password-length | passwordPolicy="length(6)" | passwordPolicy="length(8)"
            realm.password-not-screened | passwordPolicy="length(12)" | passwordPolicy="length(12) and passwordBlacklist(x.txt)"
            realm.password-hash-weak | passwordPolicy="length(12) and hashAlgorithm(pbkdf2)" | passwordPolicy="length(12) and hashAlgorithm(pbkdf2-sha512)"
            realm.registration-without-email-verification | registrationAllowed=true ; verifyEmail=false | registrationAllowed=true ; verifyEmail=true
            realm.duplicate-emails | duplicateEmailsAllowed=true | duplicateEmailsAllowed=false
            realm.hsts-weak | browserSecurityHeaders.strictTransportSecurity="max-age=0" | browserSecurityHeaders.strictTransportSecurity="max-age=63072000; includeSubDomains"
            realm.framing-allowed | browserSecurityHeaders.xFrameOptions="" ; browserSecurityHeaders.contentSecurityPolicy="object-src 'none';" | browserSecurityHeaders.xFrameOptions="" ; browserSecurityHeaders.contentSecurityPolicy="frame-ancestors 'self';"
            realm.nosniff-missing | browserSecurityHeaders.xContentTypeOptions="" | browserSecurityHeaders.xContentTypeOptions="nosniff"
            realm.smtp-without-tls | smtpServer.starttls="false" | smtpServer.starttls="false" ; smtpServer.ssl="true"
            realm.otp-policy-weak | otpPolicyDigits=4 | otpPolicyDigits=8
            realm.baseline-not-adopted | clientPolicies.policies[0].enabled=false | clientPolicies.policies[0].enabled=true
            realm.token-ceiling-unset | attributes['apiguard.accessTokenLifespanCeiling']=~ | attributes['apiguard.accessTokenLifespanCeiling']="120"
            keys.rsa-too-short | KEYS[3].config.keySize=["1024"] | KEYS[3].config.keySize=["2048"]
            keys.secret-key-too-short | KEYS[1].config.secretSize=["16"] | KEYS[1].config.secretSize=["32"]
            keys.private-key-in-export | KEYS[3].config.privateKey=["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"] | KEYS[3].config.privateKey=["**********"]
            keys.active-key-too-old | KEYS[3].config['apiguard.keyCreated']=["1761955200"] | KEYS[3].config['apiguard.keyCreated']=["1777593600"]
            keys.rotation-not-adopted | attributes['apiguard.keyRotation']=~ | attributes['apiguard.keyRotation']="{}"
            keys.no-fapi-signing-key | KEYS[0].config.active=["false"] ; KEYS[3].config.algorithm=["RS256"] | KEYS[0].config.active=["false"]
            keys.rsa1-5-encryption | KEYS[2].config.algorithm=["RSA1_5"] | KEYS[2].config.algorithm=["RSA-OAEP-256"]
            flows.admin-without-second-factor | authenticationFlows[1].authenticationExecutions[1].requirement="DISABLED" ; groups[0].clientRoles={"realm-management":["manage-users"]} | groups[0].clientRoles={"realm-management":["manage-users"]}
            flows.otp-alternative-to-password | authenticationFlows[1].authenticationExecutions[0].requirement="ALTERNATIVE" ; authenticationFlows[1].authenticationExecutions[1].requirement="ALTERNATIVE" | authenticationFlows[1].authenticationExecutions[1].requirement="ALTERNATIVE"
            flows.reset-credentials-bypasses-second-factor | authenticationFlows[2].authenticationExecutions[2].requirement="DISABLED" | authenticationFlows[2].authenticationExecutions[2].requirement="DISABLED" ; resetPasswordAllowed=false
            flows.broker-auto-link | authenticationFlows[3].authenticationExecutions[2].authenticator="idp-auto-link" | authenticationFlows[3].authenticationExecutions[2].authenticator="idp-auto-link" ; authenticationFlows[3].authenticationExecutions[2].requirement="DISABLED"
            flows.second-factor-optional | browserFlow=~ ; authenticationFlows=~ ; resetPasswordAllowed=false | browserFlow=~ ; authenticationFlows=~ ; resetPasswordAllowed=false ; otpPolicyDigits=6 ; browserFlow="browser-mfa" ; authenticationFlows=[{"alias":"browser-mfa","authenticationExecutions":[{"authenticator":"auth-username-password-form","requirement":"REQUIRED","authenticatorFlow":false},{"authenticator":"auth-otp-form","requirement":"REQUIRED","authenticatorFlow":false}]}]
            flows.http-basic | authenticationFlows[0].authenticationExecutions[0].authenticator="http-basic-authenticator" | authenticationFlows[0].authenticationExecutions[0].authenticator="http-basic-authenticator" ; authenticationFlows[0].authenticationExecutions[0].requirement="DISABLED"
            identity-providers.signature-not-validated | identityProviders[0].config.validateSignature="false" | identityProviders[0].config.validateSignature="true"
            identity-providers.trust-email | identityProviders[0].trustEmail=true | identityProviders[0].trustEmail=false
            identity-providers.pkce-off | identityProviders[0].config.pkceEnabled="false" | identityProviders[0].config.pkceMethod="S256"
            identity-providers.http-endpoint | identityProviders[0].config.tokenUrl="http://idp.example.org/token" | identityProviders[0].config.tokenUrl="http://127.0.0.1:9000/token"
            identity-providers.issuer-unchecked | identityProviders[0].config.issuer=~ | identityProviders[0].config.issuer="https://other.example.org"
            identity-providers.shared-secret-authentication | identityProviders[0].config.clientAuthMethod="client_secret_basic" | identityProviders[0].config.clientAuthMethod="private_key_jwt"
            identity-providers.saml-assertions-unsigned | identityProviders[1].config.wantAssertionsSigned="false" | identityProviders[1].config.wantAssertionsSigned="true"
            identity-providers.clock-skew-large | identityProviders[0].config.allowedClockSkew="600" | identityProviders[0].config.allowedClockSkew="60"
            identity-providers.mapper-grants-admin | identityProviderMappers[0].config.role="realm-management.realm-admin" | identityProviderMappers[0].config.role="account.manage-account"
            federation.ldap-without-tls | LDAP.config.connectionUrl=["ldap://ldap.example.org"] | LDAP.config.connectionUrl=["ldap://ldap.example.org"] ; LDAP.config.startTls=["true"]
            federation.ldap-anonymous-bind | LDAP.config.authType=["none"] | LDAP.config.authType=["simple"]
            federation.ldap-password-policy-skipped | LDAP.config.validatePasswordPolicy=["false"] | LDAP.config.validatePasswordPolicy=["false"] ; LDAP.config.editMode=["READ_ONLY"]
            federation.mapper-grants-admin | LDAP.subComponents['org.keycloak.storage.ldap.mappers.LDAPStorageMapper'][0].config.role=["realm-management.manage-realm"] | LDAP.subComponents['org.keycloak.storage.ldap.mappers.LDAPStorageMapper'][0].config.role=["account.view-profile"]
            roles.default-role-admin | roles.realm[0].composites={"realm":["api-user"],"client":{"realm-management":["view-users"]}} | roles.realm[0].composites={"realm":["api-user"],"client":{"account":["view-profile"]}}
            roles.default-group-admin | groups[0].clientRoles={"realm-management":["realm-admin"]} | groups[0].clientRoles={"realm-management":["realm-admin"]} ; defaultGroups=[]
            roles.composite-admin | roles.realm[1].composite=true ; roles.realm[1].composites={"client":{"realm-management":["manage-users"]}} | roles.realm[1].composite=true ; roles.realm[1].composites={"client":{"account":["manage-account"]}}
            roles.default-offline-access | roles.realm[0].composites={"realm":["api-user","offline_access"]} | roles.realm[0].composites={"realm":["api-user","uma_authorization"]}
            secrets.client-secret | clients[2].secret="${SERVICE_SECRET:fallback}" | clients[2].secret="${vault.service}"
            secrets.identity-provider-secret | identityProviders[0].config.clientSecret="abc123" | identityProviders[0].config.clientSecret="${vault.idp}"
            secrets.smtp-password | smtpServer.password="hunter2" | smtpServer.password="**********"
            secrets.ldap-bind-credential | LDAP.config.bindCredential=["secret"] | LDAP.config.bindCredential=["${LDAP_BIND}"]
            secrets.keystore-password | KEYS[0].config.keystorePassword=["changeit"] | KEYS[0].config.keystorePassword=["${vault.keystore}"]
            secrets.user-password | users[1].credentials[0].value="password1" | users[1].credentials[0].value="${env.ALICE_PASSWORD}"
            secrets.password-hashes | users[1].credentials[0].secretData="pbkdf2-hash" | users[1].credentials[0].secretData="**********"
            """;

    static Stream<Arguments> rows() {
        return TABLE.lines().filter(line -> !line.isBlank()).map(line -> {
            String[] parts =
                    line.replace("KEYS", KEYS).replace("LDAP.", LDAP + ".").split(" \\| ", -1);
            if (parts.length != 3) {
                throw new IllegalStateException("row needs id | failing | passing: " + line);
            }
            return Arguments.of(parts[0].trim(), parts[1].trim(), parts[2].trim());
        });
    }

    @Test
    void cleanRealmHasNoFinding() {
        assertThat(Fixtures.audit(Fixtures.clean()).findings()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void checkFiresOnFailingFixtureAndNotOnPassingFixture(String id, String failing, String passing) {
        assertThat(Checks.byId(id)).as("check %s exists", id).isNotNull();
        List<Finding> failed = Fixtures.audit(Fixtures.edited(failing)).findings();
        assertThat(failed)
                .as("failing fixture of %s", id)
                .anyMatch(f -> f.check().equals(id));
        assertThat(failed.stream().filter(f -> f.check().equals(id))).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Checks.byId(id).severity());
            assertThat(f.realm()).isEqualTo("clean");
            assertThat(f.path()).startsWith("$");
        });
        List<Finding> passed = Fixtures.audit(Fixtures.edited(passing)).findings();
        assertThat(passed)
                .as("passing fixture of %s", id)
                .noneMatch(f -> f.check().equals(id));
    }

    @Test
    void masterRealmWithKeycloaksDefaultFlowsThenAdministratorsWithoutSecondFactor() {
        var master = Fixtures.edited(
                "realm=\"master\" ; browserFlow=~ ; resetCredentialsFlow=~ ; firstBrokerLoginFlow=~ ; authenticationFlows=~");
        assertThat(Fixtures.audit(master).findings())
                .anyMatch(f -> f.check().equals("flows.admin-without-second-factor")
                        && f.target().equals("flow:browser"));
        assertThat(Fixtures.audit(Fixtures.edited("realm=\"master\"")).findings())
                .noneMatch(f -> f.check().equals("flows.admin-without-second-factor"));
    }

    @Test
    void everyCheckHasARowExceptTheSuppressionCheck() {
        Set<String> rows = rows().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        Set<String> catalogue = Checks.all().stream().map(Check::id).collect(Collectors.toSet());
        assertThat(rows).doesNotHaveDuplicates();
        assertThat(catalogue).containsAll(rows);
        assertThat(catalogue.stream().filter(id -> !rows.contains(id))).containsExactly(Checks.SUPPRESSION_EXPIRED);
    }

    @Test
    void catalogueHasAtLeastSixtyChecksCoveringEveryArea() {
        assertThat(Checks.all()).hasSizeGreaterThanOrEqualTo(60);
        Map<String, Long> byArea =
                Checks.all().stream().collect(Collectors.groupingBy(Check::area, Collectors.counting()));
        assertThat(byArea.keySet())
                .containsAll(Arrays.asList(
                        "clients", "realm", "keys", "flows", "identity-providers", "federation", "roles", "secrets"));
        assertThat(Checks.all()).allSatisfy(check -> {
            assertThat(check.source()).isNotBlank();
            assertThat(check.remediation()).isNotBlank();
        });
    }
}
