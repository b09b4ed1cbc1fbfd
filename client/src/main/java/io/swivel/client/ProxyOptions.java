package io.swivel.client;

import io.swivel.client.balance.Balancers;
import java.util.Objects;

/**
 * How one proxy calls: its load balancer and the bundle versions it accepts.
 *
 * <pre>{@code
 * Greeter greeter = client.proxy(Greeter.class,
 *         ProxyOptions.defaults().withBalancer(Balancers.CONSISTENT_HASH).withVersion("2.*"));
 * }</pre>
 *
 * @param balancer the balancer, or null for the client's
 * @param version "" for any version, an exact version, or a prefix ending in {@code *}
 */
public record ProxyOptions(Balancers balancer, String version) {

    /**
     * Validates.
     *
     * @param balancer the balancer or null
     * @param version the version constraint
     */
    public ProxyOptions {
        Objects.requireNonNull(version, "version");
    }

    /** @return the client's balancer, any version */
    public static ProxyOptions defaults() {
        return new ProxyOptions(null, "");
    }

    /**
     * @param choice the balancer for this proxy
     * @return a copy with it
     */
    public ProxyOptions withBalancer(Balancers choice) {
        return new ProxyOptions(Objects.requireNonNull(choice, "balancer"), version);
    }

    /**
     * @param constraint an exact version, or a prefix ending in {@code *}
     * @return a copy with it
     */
    public ProxyOptions withVersion(String constraint) {
        return new ProxyOptions(balancer, constraint);
    }
}
