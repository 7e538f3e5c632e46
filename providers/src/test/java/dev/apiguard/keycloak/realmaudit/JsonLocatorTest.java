package dev.apiguard.keycloak.realmaudit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonLocatorTest {

    private static final String DOCUMENT = """
            {
              "realm": "r",
              "clients": [
                { "clientId": "a" },
                {
                  "clientId": "b",
                  "redirectUris": ["https://x/cb", "https://y/*"],
                  "attributes": { "pkce.code.challenge.method": "plain" }
                }
              ]
            }
            """;

    @Test
    void locateWhenPathExistsThenLineOfTheElement() {
        JsonLocator locator = JsonLocator.of(DOCUMENT);
        assertThat(locator.locate("$.realm").line()).isEqualTo(2);
        assertThat(locator.locate("$.clients[1]").line()).isEqualTo(5);
        assertThat(locator.locate("$.clients[1].redirectUris[1]").line()).isEqualTo(7);
        assertThat(locator.locate("$.clients[1].redirectUris[1]").column())
                .isGreaterThan(locator.locate("$.clients[1].redirectUris[0]").column());
        assertThat(locator.locate("$.clients[1].attributes['pkce.code.challenge.method']")
                        .line())
                .isEqualTo(8);
    }

    @Test
    void locateWhenPathMissingThenNearestParent() {
        JsonLocator locator = JsonLocator.of(DOCUMENT);
        assertThat(locator.locate("$.clients[0].implicitFlowEnabled").line()).isEqualTo(4);
        assertThat(locator.locate("$.sslRequired").line()).isEqualTo(1);
    }

    @Test
    void locateWhenDocumentBrokenThenFirstLine() {
        assertThat(JsonLocator.of("{ \"realm\": ").locate("$.clients[3]").line())
                .isEqualTo(1);
    }
}
