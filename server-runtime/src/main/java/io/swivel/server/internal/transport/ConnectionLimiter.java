package io.swivel.server.internal.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the connections served, in total and per remote address, against the limits. One per
 * server; thread-safe (connections open and close on every I/O thread).
 */
final class ConnectionLimiter {

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    /** Connections served per address; an address with none has no entry. */
    private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();

    ConnectionLimiter(int maxConnections, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** What became of an attempt to open a connection: served (no refusal) or refused with a reason. */
    record Outcome(Refusal refusal, String reason) {
        static final Outcome SERVED = new Outcome(null, null);

        boolean served() {
            return refusal == null;
        }
    }

    /**
     * Counts a new connection if the limits allow it; a served one must be {@link #closed} once.
     *
     * @param address the peer's address
     * @return served, or the refusal and its reason for the peer
     */
    Outcome tryOpen(InetAddress address) {
        int total = open.incrementAndGet();
        if (total > maxConnections) {
            open.decrementAndGet();
            return new Outcome(Refusal.MAX_CONNECTIONS, "too many connections: " + maxConnections
                    + " open, the server's limit (--max-connections " + maxConnections + "); retry later or elsewhere");
        }
        boolean[] admitted = new boolean[1];
        byAddress.compute(address, (a, count) -> {
            int before = count == null ? 0 : count;
            admitted[0] = before < maxPerAddress;
            return admitted[0] ? Integer.valueOf(before + 1) : count;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            return new Outcome(Refusal.MAX_CONNECTIONS_PER_ADDRESS, "too many connections from "
                    + address.getHostAddress() + ": " + maxPerAddress + " open, the limit per address "
                    + "(--max-connections-per-address " + maxPerAddress + ")");
        }
        return Outcome.SERVED;
    }

    /** A served connection closed. */
    void closed(InetAddress address) {
        byAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
        open.decrementAndGet();
    }

    /** @return the connections served now */
    int open() {
        return open.get();
    }

    /** @return the connections served now from one address */
    int open(InetAddress address) {
        Integer mine = byAddress.get(address);
        return mine != null ? mine : 0;
    }
}
