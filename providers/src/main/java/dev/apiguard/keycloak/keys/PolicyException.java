package dev.apiguard.keycloak.keys;

import java.util.List;

/** A rotation policy refused, with every problem found, each naming the field and its value. */
public final class PolicyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    PolicyException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
