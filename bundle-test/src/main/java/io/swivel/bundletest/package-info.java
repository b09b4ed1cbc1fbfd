/**
 * Test helpers for bundle authors: {@link io.swivel.bundletest.SwivelTestServer} starts a real
 * Swivel server in the test's JVM, deploys a bundle jar and hands back a client to call it.
 */
package io.swivel.bundletest;
