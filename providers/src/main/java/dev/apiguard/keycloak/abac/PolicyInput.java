package dev.apiguard.keycloak.abac;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The attribute values of one request, computed lazily: a role or group lookup costs only when a
 * condition reads it, and once per request. A variable without a value stays unbound.
 */
public final class PolicyInput {

    private static final Object ABSENT = new Object();

    private final Map<String, Supplier<?>> suppliers;
    private final Map<String, Object> values = new HashMap<>();

    private PolicyInput(Map<String, Supplier<?>> suppliers) {
        this.suppliers = suppliers;
    }

    /** Starts an input; unknown variable names are refused so that a typo cannot go unnoticed. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of a variable, or empty if it has none for this request. */
    public Optional<Object> find(String name) {
        Object value = values.get(name);
        if (value == null) {
            Supplier<?> supplier = suppliers.get(name);
            Object computed = supplier == null ? null : supplier.get();
            value = computed == null ? ABSENT : computed;
            values.put(name, value);
        }
        return value == ABSENT ? Optional.empty() : Optional.of(value);
    }

    /** Builds a {@link PolicyInput}. */
    public static final class Builder {

        private final Map<String, Supplier<?>> suppliers = new HashMap<>();

        private Builder() {
        }

        /** Binds {@code name} to a value computed on first read; a supplier that returns null leaves it unbound. */
        public Builder lazy(String name, Supplier<?> supplier) {
            if (!PolicyVariables.TYPES.containsKey(name)) {
                throw new IllegalArgumentException("unknown policy variable '" + name + "'");
            }
            suppliers.put(name, supplier);
            return this;
        }

        /** Binds {@code name} to {@code value}; null leaves it unbound. */
        public Builder value(String name, Object value) {
            return lazy(name, () -> value);
        }

        public PolicyInput build() {
            return new PolicyInput(Map.copyOf(suppliers));
        }
    }
}
