/**
 * The demo's browser app for the public client {@code demo-spa}: a backend-for-frontend on a loopback listener that
 * signs users in (authorization code with PKCE, server side), keeps their tokens in a server-side session, calls the
 * orders API for them and follows its RFC 9470 step-up challenges with a new authorization request. The browser
 * gets static pages and an {@code HttpOnly} session cookie, never a token.
 */
package dev.apiguard.demo.app;
