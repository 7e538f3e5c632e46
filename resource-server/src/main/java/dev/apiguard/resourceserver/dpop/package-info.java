/**
 * DPoP (RFC 9449) at the resource server: proof checks and the replay store that remembers each proof's
 * {@code jti} for as long as the proof could be accepted. The in-memory store protects one instance; an API
 * running on several instances plugs in a shared {@link dev.apiguard.resourceserver.dpop.DpopReplayStore}.
 */
package dev.apiguard.resourceserver.dpop;
