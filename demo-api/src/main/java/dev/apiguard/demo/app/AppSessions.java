package dev.apiguard.demo.app;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app's server-side sessions, in memory: the browser holds only an opaque, random session id in an
 * {@code HttpOnly} cookie; tokens stay here. At most {@value #MAX_SESSIONS} sessions; one unused for
 * {@link #IDLE} is forgotten. When full, a new browser is refused (the app answers 503 to it) rather than
 * signing another user out.
 */
final class AppSessions {

    static final int MAX_SESSIONS = 1000;
    static final Duration IDLE = Duration.ofMinutes(30);
    /** How long an authorization request may stay open (the user on the login page). */
    static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** An authorization request the browser was sent to, waiting for its callback. */
    record Pending(String state, String nonce, String verifier, Instant startedAt) {}

    /** What the app keeps of a signed-in user. */
    record SignedIn(
            String accessToken,
            String idToken,
            String username,
            String acr,
            Set<String> scopes,
            Instant accessTokenExpiresAt) {}

    /** The API's RFC 9470 challenge, kept until the user follows it. */
    record StepUp(String acrValues, String maxAge, Set<String> scopes) {}

    static final class Session {
        private final String id;
        private volatile Instant lastUsed;
        private Pending pending;
        private SignedIn signedIn;
        private StepUp stepUp;

        private Session(String id, Instant now) {
            this.id = id;
            this.lastUsed = now;
        }

        String id() {
            return id;
        }

        synchronized Pending pending() {
            return pending;
        }

        synchronized void pending(Pending value) {
            pending = value;
        }

        synchronized SignedIn signedIn() {
            return signedIn;
        }

        synchronized void signedIn(SignedIn value) {
            signedIn = value;
        }

        synchronized StepUp stepUp() {
            return stepUp;
        }

        synchronized void stepUp(StepUp value) {
            stepUp = value;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    AppSessions(Clock clock) {
        this.clock = clock;
    }

    /** The live session with this id, or empty. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        Instant now = clock.instant();
        if (session == null || session.lastUsed.plus(IDLE).isBefore(now)) {
            if (session != null) {
                sessions.remove(id, session);
            }
            return Optional.empty();
        }
        session.lastUsed = now;
        return Optional.of(session);
    }

    /** A new session, or empty when {@value #MAX_SESSIONS} live sessions exist. */
    Optional<Session> create() {
        if (sessions.size() >= MAX_SESSIONS) {
            expire();
            if (sessions.size() >= MAX_SESSIONS) {
                return Optional.empty();
            }
        }
        Session session = new Session(randomToken(), clock.instant());
        sessions.put(session.id(), session);
        return Optional.of(session);
    }

    /**
     * The same user under a new id (after sign-in, against session fixation): the old id is void.
     */
    Session renew(Session old) {
        sessions.remove(old.id(), old);
        Session renewed = new Session(randomToken(), clock.instant());
        synchronized (old) {
            renewed.signedIn(old.signedIn);
            renewed.stepUp(old.stepUp);
        }
        sessions.put(renewed.id(), renewed);
        return renewed;
    }

    void remove(Session session) {
        sessions.remove(session.id(), session);
    }

    int size() {
        return sessions.size();
    }

    private void expire() {
        Instant oldest = clock.instant().minus(IDLE);
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (it.next().lastUsed.isBefore(oldest)) {
                it.remove();
            }
        }
    }

    /** 256 random bits, base64url without padding. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
