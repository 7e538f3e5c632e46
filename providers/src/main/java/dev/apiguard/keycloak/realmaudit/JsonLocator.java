package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Line and column of every element of a JSON document, by the JSON path the checks report
 * ({@code $.clients[2].redirectUris[0]}, {@code $.attributes['pkce.code.challenge.method']}).
 * A path that does not exist in the document (a setting left at Keycloak's default) is located at
 * its nearest existing parent.
 */
public final class JsonLocator {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final JsonFactory FACTORY = new JsonFactory();

    private final Map<String, int[]> locations;

    private JsonLocator(Map<String, int[]> locations) {
        this.locations = locations;
    }

    /** A line (1-based) and column (1-based). */
    public record Position(int line, int column) {}

    /** Indexes a document; a document that is not JSON yields an index that places everything at line 1. */
    public static JsonLocator of(String content) {
        Map<String, int[]> locations = new HashMap<>();
        locations.put("$", new int[] {1, 1});
        try (JsonParser parser = FACTORY.createParser(content)) {
            Deque<Frame> stack = new ArrayDeque<>();
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                JsonLocation at = parser.currentTokenLocation();
                int[] position = {at.getLineNr(), at.getColumnNr()};
                Frame top = stack.peek();
                switch (token) {
                    case FIELD_NAME -> {
                        top.field = parser.currentName();
                        locations.putIfAbsent(top.path + segment(top.field), position);
                    }
                    case START_OBJECT, START_ARRAY -> {
                        String path = nextPath(top);
                        locations.putIfAbsent(path, position);
                        stack.push(new Frame(path, token == JsonToken.START_ARRAY));
                    }
                    case END_OBJECT, END_ARRAY -> {
                        stack.pop();
                        advance(stack.peek());
                    }
                    default -> {
                        locations.putIfAbsent(nextPath(top), position);
                        advance(top);
                    }
                }
            }
        } catch (IOException e) {
            // Located only at the root: the audit itself reports why the document could not be read.
        }
        return new JsonLocator(locations);
    }

    /** The position of the path, or of its nearest existing parent. */
    public Position locate(String path) {
        String current = path;
        while (current != null) {
            int[] position = locations.get(current);
            if (position != null) {
                return new Position(position[0], position[1]);
            }
            current = parent(current);
        }
        return new Position(1, 1);
    }

    /** The path one level up, or {@code null} at the root. */
    static String parent(String path) {
        if (path == null || path.equals("$")) {
            return null;
        }
        if (path.endsWith("]")) {
            int open = path.lastIndexOf('[');
            return open > 0 ? path.substring(0, open) : "$";
        }
        int dot = path.lastIndexOf('.');
        return dot > 0 ? path.substring(0, dot) : "$";
    }

    /** {@code .name} for identifiers, {@code ['name']} otherwise. */
    public static String segment(String name) {
        return IDENTIFIER.matcher(name).matches() ? "." + name : "['" + name + "']";
    }

    private static String nextPath(Frame top) {
        if (top == null) {
            return "$";
        }
        return top.array ? top.path + "[" + top.index + "]" : top.path + segment(top.field);
    }

    private static void advance(Frame top) {
        if (top != null && top.array) {
            top.index++;
        }
    }

    private static final class Frame {
        final String path;
        final boolean array;
        int index;
        String field;

        Frame(String path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }
}
