/**
 * What two or more capabilities of API Guard share: the extension's version and build facts.
 * Plugs into no Keycloak SPI of its own.
 */
package dev.apiguard.keycloak.common;
