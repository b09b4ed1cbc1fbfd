package io.swivel.server.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The listening socket's guard, on an {@link EmbeddedChannel} standing in for the server channel,
 * and the connection counts behind the limits.
 */
class AcceptGateTest {

    private final RefusalLog log = new RefusalLog();

    /** Descriptors as a test sets them. */
    private static final class SetDescriptors extends FileDescriptors {
        volatile long max;
        volatile long open;

        SetDescriptors(long max, long open) {
            this.max = max;
            this.open = open;
        }

        @Override
        long max() {
            return max;
        }

        @Override
        long open() {
            return open;
        }
    }

    private EmbeddedChannel server(int maxSockets, FileDescriptors fds) {
        EmbeddedChannel server = new EmbeddedChannel(new AcceptGate(maxSockets, fds,
                new TransportEvents(ServerMetrics.none(), log)));
        server.freezeTime();
        return server;
    }

    @Test
    void acceptingStopsAtTheSocketLimitAndResumesWhenOneCloses() {
        EmbeddedChannel server = server(3, new SetDescriptors(-1, -1));
        EmbeddedChannel[] children = new EmbeddedChannel[3];
        for (int i = 0; i < 3; i++) {
            children[i] = new EmbeddedChannel();
            server.writeInbound(children[i]);
            server.readInbound();
        }
        assertThat(server.config().isAutoRead()).isFalse();
        assertThat(log.count(Refusal.MAX_SOCKETS)).isEqualTo(1);

        children[0].close();
        server.runPendingTasks();
        assertThat(server.config().isAutoRead()).isTrue();
        children[1].close();
        children[2].close();
        server.finishAndReleaseAll();
    }

    @Test
    void acceptingStopsWithinTheFileDescriptorReserve() {
        SetDescriptors fds = new SetDescriptors(1000, 950); // reserve 100: nothing past 900
        EmbeddedChannel server = server(10_000, fds);
        EmbeddedChannel child = new EmbeddedChannel();
        server.writeInbound(child);
        server.readInbound();
        assertThat(server.config().isAutoRead()).isFalse();
        assertThat(log.count(Refusal.FD_RESERVE)).isEqualTo(1);

        fds.open = 500; // something else closed its files
        server.advanceTimeBy(AcceptGate.PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertThat(server.config().isAutoRead()).isTrue();
        child.close();
        server.finishAndReleaseAll();
    }

    @Test
    void aFailedAcceptPausesForASecondInsteadOfSpinning() {
        EmbeddedChannel server = server(10_000, new SetDescriptors(-1, -1));
        for (int i = 0; i < 1000; i++) {
            server.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
        }
        server.checkException(); // handled, not passed on
        assertThat(server.config().isAutoRead()).isFalse();
        assertThat(log.count(Refusal.ACCEPT_ERROR)).as("one pause, not one per failure").isEqualTo(1);

        server.advanceTimeBy(AcceptGate.PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertThat(server.config().isAutoRead()).isTrue();
        server.finishAndReleaseAll();
    }

    @Test
    void theLimiterCountsInTotalAndPerAddress() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(3, 2);
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        assertThat(limiter.tryOpen(a).served()).isTrue();
        assertThat(limiter.tryOpen(a).served()).isTrue();
        ConnectionLimiter.Outcome third = limiter.tryOpen(a);
        assertThat(third.refusal()).isEqualTo(Refusal.MAX_CONNECTIONS_PER_ADDRESS);
        assertThat(third.reason()).isEqualTo("too many connections from 127.0.0.1: 2 open, the limit per address "
                + "(--max-connections-per-address 2)");
        assertThat(limiter.tryOpen(b).served()).isTrue();
        ConnectionLimiter.Outcome fourth = limiter.tryOpen(b);
        assertThat(fourth.refusal()).isEqualTo(Refusal.MAX_CONNECTIONS);
        assertThat(fourth.reason()).startsWith("too many connections: 3 open, the server's limit (--max-connections 3)");
        assertThat(limiter.open()).isEqualTo(3);

        limiter.closed(a);
        assertThat(limiter.open(a)).isEqualTo(1);
        assertThat(limiter.tryOpen(b).served()).isTrue();
        limiter.closed(a);
        limiter.closed(b);
        limiter.closed(b);
        assertThat(limiter.open()).isZero();
        assertThat(limiter.open(a)).isZero();
        assertThat(limiter.open(b)).isZero();
    }

    @Test
    void aFloodOfRefusalsLogsOneLinePerCausePerMinute() {
        long[] now = {0};
        RefusalLog clocked = new RefusalLog(() -> now[0]);
        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            now[0] += TimeUnit.MILLISECONDS.toNanos(1); // 10 s of refusals
            if (clocked.refused(Refusal.MAX_CONNECTIONS, "refused")) {
                logged++;
            }
        }
        assertThat(logged).isEqualTo(1);
        now[0] += RefusalLog.INTERVAL_NANOS;
        assertThat(clocked.refused(Refusal.MAX_CONNECTIONS, "refused")).isTrue();
        assertThat(clocked.refused(Refusal.IDLE_TIMEOUT, "another cause")).isTrue();
        assertThat(clocked.count(Refusal.MAX_CONNECTIONS)).isEqualTo(10_001);
    }
}
