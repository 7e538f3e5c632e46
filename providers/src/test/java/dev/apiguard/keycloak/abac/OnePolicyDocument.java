package dev.apiguard.keycloak.abac;

import dev.apiguard.keycloak.common.JsonFuzz;

/** The policy document the condition tests write: one policy {@code p} on the protected scope {@code s}. */
final class OnePolicyDocument {

    private OnePolicyDocument() {}

    /** The document of one policy on {@code s}, permitting (or, with {@code deny}, denying) when {@code condition} holds. */
    static String of(String condition, boolean deny) {
        return "{\"apiVersion\": \"apiguard/v1\", \"protectedScopes\": [\"s\"], \"policies\": [{\"name\": \"p\", "
                + "\"scopes\": [\"s\"], \"effect\": \"" + (deny ? "deny" : "permit") + "\", \"condition\": "
                + JsonFuzz.quote(condition) + "}]}";
    }

    /** The document of one policy on {@code s} permitting when {@code condition} holds, compiled. */
    static CompiledPolicies compile(String condition) throws PolicyDocumentException {
        return PolicyCompiler.compile(PolicyDocumentParser.parse(of(condition, false)));
    }
}
