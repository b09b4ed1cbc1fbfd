package io.swivel.server.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.PartialFrameBudget;
import io.swivel.protocol.RequestFrame;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One connection's bounds, on an {@link EmbeddedChannel} with a frozen clock: the in-flight cap and
 * the write buffer pause reading (nothing dropped, reading resumes as calls finish or the buffer
 * drains), the idle and frame timeouts close with {@code GOAWAY}.
 */
class ConnectionGuardTest {

    private static final int MAX = 16 * 1024 * 1024;
    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final Duration FRAME = Duration.ofSeconds(2);

    private final RefusalLog log = new RefusalLog();
    private final List<Frame> served = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder(MAX, new PartialFrameBudget(1024 * 1024));
    private EmbeddedChannel channel;
    private ConnectionGuard guard;

    private EmbeddedChannel open(int maxInFlight) {
        guard = new ConnectionGuard(decoder, new ConnectionGuard.Settings(maxInFlight, IDLE, FRAME),
                new TransportEvents(ServerMetrics.none(), log));
        channel = new EmbeddedChannel(decoder, new FrameEncoder(MAX), guard, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                served.add((Frame) msg);
            }
        });
        channel.freezeTime();
        return channel;
    }

    @AfterEach
    void release() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private static ByteBuf requests(int first, int count) {
        ByteBuf buf = Unpooled.buffer();
        for (int id = first; id < first + count; id++) {
            FrameEncoder.encode(new RequestFrame(id, "svc", "m()", "", 1000, new byte[] {1, 2, 3}), buf, MAX);
        }
        return buf;
    }

    private static ByteBuf ping(long id) {
        ByteBuf buf = Unpooled.buffer();
        FrameEncoder.encode(new ControlFrame(FrameType.PING, id, ""), buf, MAX);
        return buf;
    }

    private ControlFrame goAway() {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("a GOAWAY was written").isNotNull();
        try {
            return (ControlFrame) FrameDecoder.parse(out.skipBytes(4));
        } finally {
            out.release();
        }
    }

    @Test
    void theInFlightCapStopsReadingAndReadingResumesAsCallsFinish() {
        open(4);
        channel.writeInbound(requests(1, 10));
        assertThat(served).hasSize(4);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(guard.inFlight()).isEqualTo(4);
        assertThat(log.count(Refusal.IN_FLIGHT)).isEqualTo(1);

        guard.callDone();
        channel.runPendingTasks();
        assertThat(served).as("3 in flight is above half the cap: still paused").hasSize(4);

        guard.callDone();
        channel.runPendingTasks();
        assertThat(served).as("2 in flight: read up to the cap again").hasSize(6);
        assertThat(channel.config().isAutoRead()).isFalse();

        for (int i = 0; i < 20 && served.size() < 10; i++) {
            guard.callDone();
            channel.runPendingTasks();
        }
        assertThat(served).extracting(Frame::requestId).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aFullWriteBufferStopsReadingUntilItDrains() {
        open(1024);
        channel.writeInbound(ping(1));
        assertThat(served).hasSize(1);

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks(); // the writability event
        assertThat(channel.config().isAutoRead()).isFalse();
        channel.writeInbound(requests(2, 3)); // already on its way when reading stopped: held, not decoded
        assertThat(served).hasSize(1);
        assertThat(decoder.heldBytes()).isPositive();
        assertThat(log.count(Refusal.WRITE_BUFFER)).isEqualTo(1);

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();
        assertThat(served).extracting(Frame::requestId).containsExactly(1L, 2L, 3L, 4L);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(decoder.heldBytes()).isZero();
    }

    @Test
    void aSilentConnectionIsClosedWithGoAwayAtTheIdleTimeout() {
        open(1024);
        channel.advanceTimeBy(IDLE.toSeconds() - 5, TimeUnit.SECONDS);
        channel.writeInbound(ping(1)); // a heartbeat: the idle clock starts again
        channel.advanceTimeBy(IDLE.toSeconds() - 5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        assertThat((Object) channel.readOutbound()).isNull();

        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        ControlFrame goAway = goAway();
        assertThat(goAway.type()).isEqualTo(FrameType.GOAWAY);
        assertThat(goAway.text()).startsWith("idle timeout: no frame for ").contains("--idle-timeout");
        assertThat(channel.isOpen()).isFalse();
        assertThat(log.count(Refusal.IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void callsInFlightAreNotIdleness() {
        open(1024);
        channel.writeInbound(requests(1, 1));
        channel.advanceTimeBy(IDLE.toSeconds() * 3, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        guard.callDone();
        channel.advanceTimeBy(IDLE.toSeconds() * 2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(goAway().text()).startsWith("idle timeout");
    }

    @Test
    void aFrameThatDoesNotCompleteInTimeIsClosedWithGoAway() {
        open(1024);
        ByteBuf start = Unpooled.buffer().writeInt(MAX - 100).writeByte(Frame.MAGIC_V1).writeByte(2).writeZero(10);
        channel.writeInbound(start);
        channel.advanceTimeBy(FRAME.toMillis() - 100, TimeUnit.MILLISECONDS);
        channel.writeInbound(Unpooled.buffer().writeZero(100)); // trickling bytes do not extend the deadline
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();

        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        ControlFrame goAway = goAway();
        assertThat(goAway.text()).startsWith("frame timeout: a frame of " + (MAX - 100) + " bytes began ")
                .contains("and 116 bytes of it arrived").contains("--frame-timeout");
        assertThat(channel.isOpen()).isFalse();
        assertThat(log.count(Refusal.FRAME_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void framesThatCompleteKeepTheFrameTimerQuiet() {
        open(1024);
        for (int i = 1; i <= 10; i++) {
            ByteBuf ping = ping(i);
            channel.writeInbound(ping.readRetainedSlice(5)); // half a frame ...
            channel.advanceTimeBy(FRAME.toMillis() / 2, TimeUnit.MILLISECONDS);
            channel.writeInbound(ping); // ... completed within the timeout
            channel.runScheduledPendingTasks();
        }
        assertThat(served).hasSize(10);
        assertThat(channel.isOpen()).isTrue();
        assertThat(log.count(Refusal.FRAME_TIMEOUT)).isZero();
    }
}
