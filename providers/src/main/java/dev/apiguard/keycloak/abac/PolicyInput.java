package dev.apiguard.keycloak.abac;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The attribute values of one request, computed lazily: a role or group lookup costs only when a
 * condition reads it, and once per request. A variable without a value stays unbound. Not
 * thread-safe: one instance serves one request.
 */
public final class PolicyInput {

    /** Every variable, by slot: the position of its value in the arrays below. */
    private static final List<String> NAMES = List.copyOf(PolicyVariables.TYPES.keySet());

    /** Slot of each variable: one hash lookup per read by name, none per read by slot. */
    private static final Map<String, Integer> SLOTS = slots();

    private static final Object ABSENT = new Object();

    private final Supplier<?>[] suppliers;
    /** A value, {@link #ABSENT} when unbound, or null when its supplier has not run yet. */
    private final Object[] values;

    private PolicyInput(Supplier<?>[] suppliers, Object[] values) {
        this.suppliers = suppliers;
        this.values = values;
    }

    private static Map<String, Integer> slots() {
        Map<String, Integer> slots = new HashMap<>();
        for (String name : NAMES) {
            slots.put(name, slots.size());
        }
        return Map.copyOf(slots);
    }

    /** Starts an input; unknown variable names are refused so that a typo cannot go unnoticed. */
    public static Builder builder() {
        return new Builder();
    }

    /** The slot of a policy variable, or -1 for a name that is none. */
    static int slot(String name) {
        Integer slot = SLOTS.get(name);
        return slot == null ? -1 : slot;
    }

    /** The variable at {@code slot}. */
    static String name(int slot) {
        return NAMES.get(slot);
    }

    /** The value of a variable, or empty if it has none for this request (or is no policy variable). */
    public Optional<Object> find(String name) {
        Integer slot = SLOTS.get(name);
        return slot == null ? Optional.empty() : Optional.ofNullable(value(slot));
    }

    /** The value of the variable at {@code slot}, computed on the first read; null when it has none. */
    Object value(int slot) {
        Object value = values[slot];
        if (value == null) {
            Supplier<?> supplier = suppliers[slot];
            Object computed = supplier == null ? null : supplier.get();
            value = computed == null ? ABSENT : computed;
            values[slot] = value;
        }
        return value == ABSENT ? null : value;
    }

    /** Builds a {@link PolicyInput}; single use: it hands its arrays to the input it builds. */
    public static final class Builder {

        private final Supplier<?>[] suppliers = new Supplier<?>[NAMES.size()];
        private final Object[] values = new Object[NAMES.size()];
        private boolean built;

        private Builder() {}

        /** Binds {@code name} to a value computed on first read; a supplier that returns null leaves it unbound. */
        public Builder lazy(String name, Supplier<?> supplier) {
            int slot = checkedSlot(name);
            suppliers[slot] = supplier;
            values[slot] = null;
            return this;
        }

        /** Binds {@code name} to {@code value}; null leaves it unbound. */
        public Builder value(String name, Object value) {
            int slot = checkedSlot(name);
            suppliers[slot] = null;
            values[slot] = value == null ? ABSENT : value;
            return this;
        }

        private int checkedSlot(String name) {
            if (built) {
                throw new IllegalStateException("a PolicyInput.Builder builds one input: start another with builder()");
            }
            Integer slot = SLOTS.get(name);
            if (slot == null) {
                throw new IllegalArgumentException("unknown policy variable '" + name + "'");
            }
            return slot;
        }

        public PolicyInput build() {
            if (built) {
                throw new IllegalStateException("a PolicyInput.Builder builds one input: start another with builder()");
            }
            built = true;
            return new PolicyInput(suppliers, values);
        }
    }
}
