package dev.apiguard.keycloak.abac;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The attribute values of one request, computed lazily: a role or group lookup costs only when a
 * condition reads it, and once per request. A variable without a value stays unbound. Not
 * thread-safe: one instance serves one request.
 */
public final class PolicyInput {

    /** Position of each variable in the arrays below: one hash lookup per read. */
    private static final Map<String, Integer> SLOTS = slots();

    private static final Object ABSENT = new Object();

    private final Supplier<?>[] suppliers;
    private final Object[] values;

    private PolicyInput(Supplier<?>[] suppliers) {
        this.suppliers = suppliers;
        this.values = new Object[suppliers.length];
    }

    private static Map<String, Integer> slots() {
        Map<String, Integer> slots = new HashMap<>();
        for (String name : PolicyVariables.TYPES.keySet()) {
            slots.put(name, slots.size());
        }
        return Map.copyOf(slots);
    }

    /** Starts an input; unknown variable names are refused so that a typo cannot go unnoticed. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of a variable, or empty if it has none for this request (or is no policy variable). */
    public Optional<Object> find(String name) {
        Integer slot = SLOTS.get(name);
        if (slot == null) {
            return Optional.empty();
        }
        Object value = values[slot];
        if (value == null) {
            Supplier<?> supplier = suppliers[slot];
            Object computed = supplier == null ? null : supplier.get();
            value = computed == null ? ABSENT : computed;
            values[slot] = value;
        }
        return value == ABSENT ? Optional.empty() : Optional.of(value);
    }

    /** Builds a {@link PolicyInput}; single use. */
    public static final class Builder {

        private final Supplier<?>[] suppliers = new Supplier<?>[SLOTS.size()];

        private Builder() {}

        /** Binds {@code name} to a value computed on first read; a supplier that returns null leaves it unbound. */
        public Builder lazy(String name, Supplier<?> supplier) {
            Integer slot = SLOTS.get(name);
            if (slot == null) {
                throw new IllegalArgumentException("unknown policy variable '" + name + "'");
            }
            suppliers[slot] = supplier;
            return this;
        }

        /** Binds {@code name} to {@code value}; null leaves it unbound. */
        public Builder value(String name, Object value) {
            return lazy(name, () -> value);
        }

        public PolicyInput build() {
            return new PolicyInput(suppliers.clone());
        }
    }
}
