package dev.apiguard.resourceserver;

/** A token or request was refused; {@link #rejection()} says why and how to answer. */
public final class TokenRejectedException extends Exception {

    private final transient Rejection rejection;

    public TokenRejectedException(Rejection rejection) {
        super(rejection.error() + ": " + rejection.description(), null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
