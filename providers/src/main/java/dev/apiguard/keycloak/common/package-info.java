/**
 * What two or more capabilities of API Guard share: the extension's version and build facts
 * ({@link dev.apiguard.keycloak.common.ApiGuardVersion}), the baseline client profile and policy
 * names ({@link dev.apiguard.keycloak.common.BaselinePolicies}), the refusal of client metadata
 * ({@link dev.apiguard.keycloak.common.ClientMetadataRefusal}), factories without state
 * ({@link dev.apiguard.keycloak.common.StatelessProviderFactory}), OAuth scope strings
 * ({@link dev.apiguard.keycloak.common.TokenScopes}) and the scope decisions deciders return
 * ({@link dev.apiguard.keycloak.common.ScopeDecision}). Plugs into no Keycloak SPI of its own.
 */
package dev.apiguard.keycloak.common;
