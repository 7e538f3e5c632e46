package dev.apiguard.keycloak.abac;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An immutable list of names, such as a user's realm roles, that answers {@link #contains} with a
 * membership check and builds itself only when something else reads it.
 *
 * <p>The common condition {@code 'api-user' in user.realmRoles} asks one question of a list that costs
 * far more to build: every role of the user, through groups and composites, sorted. The membership
 * check answers that question directly (for realm roles, Keycloak's {@code UserModel.hasRole}). Any
 * other read (iteration, {@code size}, {@code get}, {@code equals}, a macro of the interpreter) builds
 * the whole list once, from {@code names}, and every later read, {@code contains} included, uses it.
 *
 * <p>The two must agree: {@code member.test(x)} exactly when {@code names.get().contains(x)}, for every
 * string {@code x}. {@code AbacRealmRolesIT} checks this for realm roles on a real server, over random role
 * graphs (composites, groups and their parents, default roles, client roles of the same name).
 *
 * <p>Not thread-safe: one instance serves one request, like the {@link PolicyInput} that holds it.
 */
final class MembershipList extends AbstractList<String> implements RandomAccess {

    private final Predicate<String> member;
    private final Supplier<List<String>> names;
    private List<String> built;
    /** The membership checks made so far: a name asked twice (the index, then the condition) is checked once. */
    private Map<String, Boolean> answers;

    /**
     * @param member whether a name is in the list, without building it
     * @param names  the whole list, built on the first read other than {@code contains}; no null element
     */
    MembershipList(Predicate<String> member, Supplier<List<String>> names) {
        this.member = Objects.requireNonNull(member, "member");
        this.names = Objects.requireNonNull(names, "names");
    }

    @Override
    public boolean contains(Object value) {
        if (built != null) {
            return built.contains(value);
        }
        // The list holds names only: anything that is not a string is not in it.
        if (!(value instanceof String name)) {
            return false;
        }
        if (answers == null) {
            answers = new HashMap<>(4);
        }
        return answers.computeIfAbsent(name, member::test);
    }

    @Override
    public String get(int index) {
        return built().get(index);
    }

    @Override
    public int size() {
        return built().size();
    }

    /** Whether the whole list has been built (for tests: a membership question alone never builds it). */
    boolean isBuilt() {
        return built != null;
    }

    private List<String> built() {
        if (built == null) {
            built = List.copyOf(names.get());
        }
        return built;
    }
}
