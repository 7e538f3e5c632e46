package dev.apiguard.keycloak.abac;

import java.util.List;

/** A policy document that cannot be used; {@link #errors()} names every problem, one line each. */
public final class PolicyDocumentException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public PolicyDocumentException(List<String> errors) {
        super(String.join("; ", errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("errors must not be empty");
        }
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
