package dev.apiguard.keycloak.tokens;

import java.util.Objects;

/**
 * Whether a presented refresh token was already used, by the bookkeeping Keycloak keeps on the
 * client session when the realm rotates refresh tokens ({@code revokeRefreshToken}): the id of the
 * refresh token last used, how often it was used, and when the newest one was issued.
 */
public final class RefreshReuse {

    private RefreshReuse() {}

    /**
     * @param presentedId the presented refresh token's {@code jti}
     * @param presentedIat its issue time
     * @param lastUsedId the id of the refresh token last used on this client session ({@code null}: none yet)
     * @param lastUsedCount how often that one was used
     * @param newestIssuedAt when the newest refresh token of the session was issued (0: none by refresh yet)
     * @param maxReuse the realm's allowed reuse count ({@code refreshTokenMaxReuse})
     */
    public static boolean isReuse(
            String presentedId,
            long presentedIat,
            String lastUsedId,
            int lastUsedCount,
            long newestIssuedAt,
            int maxReuse) {
        Objects.requireNonNull(presentedId, "presentedId");
        if (lastUsedId == null) {
            return false;
        }
        if (presentedId.equals(lastUsedId)) {
            return lastUsedCount > maxReuse;
        }
        return presentedIat < newestIssuedAt;
    }
}
