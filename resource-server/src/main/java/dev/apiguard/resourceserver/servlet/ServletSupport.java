package dev.apiguard.resourceserver.servlet;

import dev.apiguard.resourceserver.HttpRequestView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/** What the servlet and Spring adapters share: the request view and the JSON answer. */
public final class ServletSupport {

    private ServletSupport() {}

    /** The request as {@link HttpRequestView}; the URI is the one the container reconstructs (configure it for proxies). */
    public static HttpRequestView view(HttpServletRequest request) {
        return new HttpRequestView() {
            @Override
            public String method() {
                return request.getMethod();
            }

            @Override
            public URI uri() {
                String query = request.getQueryString();
                return URI.create(request.getRequestURL() + (query == null ? "" : "?" + query));
            }

            @Override
            public List<String> headers(String name) {
                return Collections.list(request.getHeaders(name));
            }
        };
    }

    /** Writes a JSON answer that no cache keeps. */
    public static void write(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
