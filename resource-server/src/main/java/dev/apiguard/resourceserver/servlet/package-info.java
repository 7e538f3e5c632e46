/**
 * Jakarta Servlet adapter (Servlet 6, {@code jakarta.servlet-api} provided by the container): a filter that
 * serves the protected-resource metadata and lets through only requests that pass {@link
 * dev.apiguard.resourceserver.RequestGuard}.
 */
package dev.apiguard.resourceserver.servlet;
