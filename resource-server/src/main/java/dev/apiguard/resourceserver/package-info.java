/**
 * Strict validation of API Guard's access tokens inside an API, framework-neutral.
 *
 * <p>{@link dev.apiguard.resourceserver.AccessTokenValidator} checks a JWT access token against RFC 9068
 * with no lenient default; {@link dev.apiguard.resourceserver.ResourceServer} adds what an API needs per
 * request: the {@code Authorization} header (RFC 6750 §2.1), DPoP proofs (RFC 9449), per-operation scope and
 * step-up requirements (RFC 9470), the {@code WWW-Authenticate} challenge and the protected-resource
 * metadata (RFC 9728). Adapters for Jakarta Servlet ({@code servlet}) and Spring Security ({@code spring})
 * sit in their own packages and need their framework only when used.
 */
package dev.apiguard.resourceserver;
