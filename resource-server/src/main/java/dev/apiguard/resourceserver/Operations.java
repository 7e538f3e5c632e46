package dev.apiguard.resourceserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The requirement of each operation of an API, by method and path pattern; the first matching rule wins.
 * A path pattern is a list of segments where {@code {name}} matches one non-empty segment and a final
 * {@code **} matches the rest. An operation no rule names is refused (403 {@code insufficient_scope}) unless
 * {@link Builder#otherwise(Requirement)} says otherwise: forgetting a rule never opens an endpoint.
 */
public final class Operations {

    private record Rule(String method, String[] segments, boolean prefix, Requirement requirement) {}

    private final List<Rule> rules;
    private final Requirement otherwise;

    private Operations(List<Rule> rules, Requirement otherwise) {
        this.rules = List.copyOf(rules);
        this.otherwise = otherwise;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The requirement for {@code method path}, or {@code null} when the operation is not allowed at all. */
    public Requirement requirementFor(String method, String path) {
        String[] segments = split(path);
        for (Rule rule : rules) {
            if ((rule.method.equals("*") || rule.method.equals(method)) && matches(rule, segments)) {
                return rule.requirement;
            }
        }
        return otherwise;
    }

    private static boolean matches(Rule rule, String[] path) {
        if (rule.prefix ? path.length < rule.segments.length : path.length != rule.segments.length) {
            return false;
        }
        for (int i = 0; i < rule.segments.length; i++) {
            String s = rule.segments[i];
            if (s.startsWith("{") && s.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return false;
                }
            } else if (!s.equals(path[i])) {
                return false;
            }
        }
        return true;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private Requirement otherwise;

        private Builder() {}

        /** {@code method} ({@code *} for any) on {@code pathPattern} needs {@code requirement}. */
        public Builder rule(String method, String pathPattern, Requirement requirement) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(requirement, "requirement");
            if (pathPattern == null || !pathPattern.startsWith("/")) {
                throw new IllegalArgumentException("pathPattern must start with '/', got '" + pathPattern + "'");
            }
            String[] segments = split(pathPattern);
            boolean prefix = segments.length > 0 && segments[segments.length - 1].equals("**");
            if (prefix) {
                String[] shorter = new String[segments.length - 1];
                System.arraycopy(segments, 0, shorter, 0, shorter.length);
                segments = shorter;
            }
            for (String s : segments) {
                if (s.contains("*")) {
                    throw new IllegalArgumentException(
                            "'**' is allowed only as the last segment of '" + pathPattern + "'");
                }
            }
            rules.add(new Rule(method.toUpperCase(Locale.ROOT), segments, prefix, requirement));
            return this;
        }

        /** The requirement of operations no rule names; by default they are refused. */
        public Builder otherwise(Requirement requirement) {
            this.otherwise = Objects.requireNonNull(requirement, "requirement");
            return this;
        }

        public Operations build() {
            return new Operations(rules, otherwise);
        }
    }
}
