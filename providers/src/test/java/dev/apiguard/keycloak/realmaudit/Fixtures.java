package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * Test fixtures: the clean realm (no finding at all) and edits to it, written as
 * {@code path=json} operations separated by {@code " ; "}, with the audit's own path syntax
 * ({@code clients[0].attributes['pkce.code.challenge.method']="plain"}); {@code path=~} removes.
 */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** The audits' clock: 2026-06-01; the clean realm's RSA key was made on 2026-05-01. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    private static final Pattern SEGMENT = Pattern.compile("\\['([^']*)'\\]|\\[(\\d+)\\]|\\.?([A-Za-z_][A-Za-z0-9_]*)");

    private Fixtures() {}

    static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/realmaudit/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource realmaudit/" + name + " is missing");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode clean() {
        try {
            return (ObjectNode) JSON.readTree(resource("clean-realm.json"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("clean-realm.json is not JSON", e);
        }
    }

    /** The clean realm with the edits applied. */
    static ObjectNode edited(String edits) {
        ObjectNode root = clean();
        if (edits == null || edits.isBlank()) {
            return root;
        }
        for (String edit : edits.split(" ; ")) {
            int eq = edit.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("edit '" + edit + "' has no '='");
            }
            apply(root, edit.substring(0, eq).trim(), edit.substring(eq + 1).trim());
        }
        return root;
    }

    static RealmRepresentation rep(JsonNode node) {
        try {
            return JSON.treeToValue(node, RealmRepresentation.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("fixture does not bind to RealmRepresentation", e);
        }
    }

    static AuditReport audit(JsonNode node) {
        return new RealmAudit(CLOCK).audit(rep(node));
    }

    private static void apply(ObjectNode root, String path, String json) {
        List<Object> segments = new ArrayList<>();
        Matcher matcher = SEGMENT.matcher(path.startsWith("$") ? path.substring(1) : path);
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() != end) {
                throw new IllegalArgumentException("cannot read path '" + path + "' at " + end);
            }
            end = matcher.end();
            if (matcher.group(1) != null) {
                segments.add(matcher.group(1));
            } else if (matcher.group(2) != null) {
                segments.add(Integer.parseInt(matcher.group(2)));
            } else {
                segments.add(matcher.group(3));
            }
        }
        JsonNode current = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            Object segment = segments.get(i);
            JsonNode next = segment instanceof Integer index ? current.get(index) : current.get((String) segment);
            if (next == null || next.isNull()) {
                if (segment instanceof Integer) {
                    throw new IllegalArgumentException("path '" + path + "': no element " + segment);
                }
                next = ((ObjectNode) current).putObject((String) segment);
            }
            current = next;
        }
        Object last = segments.get(segments.size() - 1);
        JsonNode value;
        try {
            value = "~".equals(json) ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value of '" + path + "' is not JSON: " + json, e);
        }
        if (last instanceof Integer index) {
            if (value == null) {
                ((ArrayNode) current).remove(index);
            } else {
                ((ArrayNode) current).set(index, value);
            }
        } else if (value == null) {
            ((ObjectNode) current).remove((String) last);
        } else {
            ((ObjectNode) current).set((String) last, value);
        }
    }
}
