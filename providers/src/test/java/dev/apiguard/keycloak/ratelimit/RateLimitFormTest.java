package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RateLimitFilter#readForm}: the filter reads the fields its rules need and puts the body back, so that
 * Keycloak reads exactly the bytes the client sent, whatever the declared length says.
 */
class RateLimitFormTest {

    private static final String FORM = "grant_type=refresh_token&client_id=demo-spa&refresh_token=eyJ.abc.def";

    @ParameterizedTest(name = "body of {0} bytes, Content-Length {1}")
    @CsvSource({
        // declared and honest: a buffer of that size
        "71, 71",
        // no Content-Length (chunked)
        "71, -1",
        // a declared length shorter than the body: the rest still reaches Keycloak
        "71, 30",
        // a declared length longer than the body
        "71, 500",
        // bodies around and beyond the limit
        "16383, 16383",
        "16384, 16384",
        "40000, 40000",
        "40000, -1",
        "0, 0"
    })
    void readFormWhenBodyReadThenFieldsPickedAndKeycloakReadsTheSameBytes(int size, int declared) throws IOException {
        byte[] sent = body(size);
        ContainerRequestContext request = mock(ContainerRequestContext.class);
        AtomicReference<InputStream> entity = new AtomicReference<>(new ByteArrayInputStream(sent));
        when(request.getEntityStream()).thenAnswer(call -> entity.get());
        when(request.getLength()).thenReturn(declared);
        doAnswer(call -> {
                    entity.set(call.getArgument(0));
                    return null;
                })
                .when(request)
                .setEntityStream(any());

        RateLimitFilter.Form form = RateLimitFilter.readForm(request);

        assertThat(entity.get().readAllBytes()).as("what Keycloak reads").isEqualTo(sent);
        boolean fieldsInReach = size > 0 && (declared < 0 || declared >= FORM.length() || declared >= size);
        if (fieldsInReach) {
            assertThat(form.clientId()).isEqualTo("demo-spa");
            assertThat(form.grantType()).isEqualTo("refresh_token");
        }
    }

    /** The form, padded to {@code size} bytes with a parameter no rule reads (or cut, for small sizes). */
    private static byte[] body(int size) {
        StringBuilder body = new StringBuilder(FORM);
        if (size > FORM.length()) {
            body.append("&pad=");
            while (body.length() < size) {
                body.append('x');
            }
        }
        return body.substring(0, Math.min(size, body.length())).getBytes(StandardCharsets.US_ASCII);
    }
}
