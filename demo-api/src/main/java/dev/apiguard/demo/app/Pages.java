package dev.apiguard.demo.app;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The app's three static files (from the class path) and the headers every answer carries. */
final class Pages {

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private Pages() {}

    static void secureHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        // Scripts and styles from the app itself only (no inline script); the page talks to its own origin only.
        headers.set(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    static void send(HttpExchange exchange, String name) throws IOException {
        String type = TYPES.get(name);
        byte[] bytes;
        try (InputStream in = Pages.class.getResourceAsStream("/dev/apiguard/demo/app/" + name)) {
            if (type == null || in == null) {
                DemoApp.sendJson(exchange, 404, "{\"error\":\"not_found\",\"error_description\":\"no such page\"}");
                return;
            }
            bytes = in.readAllBytes();
        }
        DemoApp.send(exchange, 200, type, bytes);
    }
}
