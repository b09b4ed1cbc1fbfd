package io.swivel.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a service method may safely run more than once for one logical call.
 *
 * <p>Clients retry a call on another server after it may already have run only when the
 * method carries this annotation; calls that certainly did not run (connection refused,
 * {@code RELOADING}, {@code OVERLOADED}) are retried regardless.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {
}
