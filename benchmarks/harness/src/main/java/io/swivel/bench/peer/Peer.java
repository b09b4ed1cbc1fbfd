package io.swivel.bench.peer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A server/client pair measured with the same workload. */
public enum Peer {
    /** A real {@code swivel serve} process with the benchmark bundle, and {@code SwivelClient} proxies. */
    SWIVEL("swivel"),
    /** gRPC-java with protobuf over grpc-netty-shaded, one shared channel. */
    GRPC("grpc"),
    /** A bare Netty server and client exchanging pre-encoded {@code swivel/1} frames: the ceiling. */
    NETTY("netty"),
    ;

    private final String label;

    Peer(String label) {
        this.label = label;
    }

    /** @return the name used on the command line and in reports */
    public String label() {
        return label;
    }

    /**
     * Finds a peer by label.
     *
     * @param label swivel, grpc or netty
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
