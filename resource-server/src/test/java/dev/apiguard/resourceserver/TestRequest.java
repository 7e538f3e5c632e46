package dev.apiguard.resourceserver;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An {@link HttpRequestView} built by a test. */
final class TestRequest implements HttpRequestView {

    static final URI ORDERS = URI.create("https://api.example.test/api/orders");

    private final String method;
    private final URI uri;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    TestRequest(String method, URI uri) {
        this.method = method;
        this.uri = uri;
    }

    static TestRequest get() {
        return new TestRequest("GET", ORDERS);
    }

    static TestRequest bearer(String token) {
        return get().header("Authorization", "Bearer " + token);
    }

    TestRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(value);
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
}
