package io.swivel.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class in a bundle as the implementation of one or more RPC service interfaces.
 *
 * <p>The runtime finds annotated classes by scanning the bundle's class files (without
 * loading them), instantiates each through its public no-argument constructor or a public
 * constructor taking a {@link BundleContext}, and serves it under each interface's binary
 * name, for example {@code io.swivel.samples.greeter.Greeter}.
 *
 * <pre>{@code
 * @RpcService(Greeter.class)
 * public final class GreeterImpl implements Greeter { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService {

    /**
     * The service interfaces this class serves. When empty, every interface the class
     * implements directly is served.
     *
     * @return the served interfaces
     */
    Class<?>[] value() default {};
}
