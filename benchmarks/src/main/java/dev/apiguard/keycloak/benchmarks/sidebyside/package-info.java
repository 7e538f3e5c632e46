/**
 * The side-by-side benchmark ({@code benchmarks/side-by-side}): stock Keycloak and API Guard started
 * from the same distribution on the same JVM, equivalent realms, a JIT warm-up until rounds settle,
 * then alternating measured rounds of client credentials, refresh and code exchange. Writes JSON and
 * an SVG chart and prints API Guard's ratios to stock Keycloak. Run by hand, never by {@code mvn verify}.
 *
 * <p>Pure parts (statistics, settle detection, summary, JSON and SVG writing, {@code /proc} parsing)
 * are unit-tested; the rest drives real processes and is proven by running it.
 */
package dev.apiguard.keycloak.benchmarks.sidebyside;
