package io.swivel.bench.peer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A server/client pair measured with the same workload. */
public enum Peer {
    /** A real {@code swivel serve} process with the benchmark bundle, and {@code SwivelClient} proxies. */
    SWIVEL("swivel"),
    /**
     * The same, with the benchmark bundle declaring {@code Swivel-Dispatch: direct}: calls run on
     * the server's I/O threads instead of the bundle's worker pool.
     */
    SWIVEL_DIRECT("swivel-direct"),
    /**
     * The same server as {@link #SWIVEL}; in async mode the client calls the plain methods through
     * {@code client.async(() -> users.getUser(id))} instead of their {@code CompletableFuture} twins.
     * Sync mode is the same as {@link #SWIVEL}'s.
     */
    SWIVEL_LAMBDA("swivel-lambda"),
    /** gRPC-java with protobuf over grpc-netty-shaded, one shared channel. */
    GRPC("grpc"),
    /** The same, with the server's {@code directExecutor()}: gRPC's setting for handlers that never block. */
    GRPC_DIRECT("grpc-direct"),
    /** A bare Netty server and client exchanging pre-encoded {@code swivel/1} frames: the ceiling. */
    NETTY("netty"),
    /** {@link #SWIVEL} over TLS 1.3, the server and the client on OpenSSL (netty-tcnative BoringSSL). */
    SWIVEL_TLS_OPENSSL("swivel-tls-openssl"),
    /** {@link #SWIVEL} over TLS 1.3, the server and the client on the JDK's {@code SSLEngine}. */
    SWIVEL_TLS_JDK("swivel-tls-jdk"),
    ;

    private final String label;

    Peer(String label) {
        this.label = label;
    }

    /** @return the TLS provider of a TLS peer ({@code openssl} or {@code jdk}), or null for plain TCP */
    public String tlsProvider() {
        return switch (this) {
            case SWIVEL_TLS_OPENSSL -> "openssl";
            case SWIVEL_TLS_JDK -> "jdk";
            default -> null;
        };
    }

    /** @return the name used on the command line and in reports */
    public String label() {
        return label;
    }

    /**
     * Finds a peer by label.
     *
     * @param label swivel, swivel-direct, grpc, grpc-direct, netty, swivel-tls-openssl or swivel-tls-jdk
     * @return the peer
     */
    public static Peer of(String label) {
        for (Peer peer : values()) {
            if (peer.label.equals(label)) {
                return peer;
            }
        }
        throw new IllegalArgumentException("unknown peer '" + label + "' (expected one of "
                + Arrays.stream(values()).map(Peer::label).collect(Collectors.joining(", ")) + ")");
    }
}
