package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the frame decoder holds for frames that have not arrived complete: memory that grows with
 * the bytes that came (never the claimed length), a budget shared by connections, the pause that
 * keeps buffered frames undecoded, and when an incomplete frame began.
 */
class FrameDecoderMemoryTest {

    private static final int MAX = 16 * 1024 * 1024;

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel(FrameDecoder decoder) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channels.add(channel);
        return channel;
    }

    /** The length prefix of a frame that claims {@code claimed} bytes, then its first bytes. */
    private static ByteBuf prefix(int claimed, int bytesOfFrame) {
        ByteBuf buf = Unpooled.buffer(4 + bytesOfFrame);
        buf.writeInt(claimed);
        buf.writeByte(Frame.MAGIC_V1);
        buf.writeByte(FrameType.REQUEST.code());
        buf.writeZero(bytesOfFrame - 2);
        return buf;
    }

    private static ByteBuf ping(long id) {
        ByteBuf buf = Unpooled.buffer();
        FrameEncoder.encode(new ControlFrame(FrameType.PING, id, ""), buf, MAX);
        return buf;
    }

    @Test
    void aSixteenMebibyteClaimHoldsOnlyTheBytesThatArrived() {
        PartialFrameBudget budget = new PartialFrameBudget(64L * 1024 * 1024);
        FrameDecoder decoder = new FrameDecoder(MAX, budget);
        EmbeddedChannel channel = channel(decoder);

        assertThat(channel.writeInbound(prefix(MAX - 100, 12))).isFalse();
        assertThat(decoder.heldBytes()).isBetween(16L, 4096L);
        assertThat(budget.used()).isEqualTo(decoder.heldBytes());
        assertThat(decoder.claimedLength()).isEqualTo(MAX - 100);
        assertThat(decoder.partialBytes()).isEqualTo(16);

        long arrived = 16;
        for (int i = 0; i < 32; i++) {
            channel.writeInbound(Unpooled.buffer(8192).writeZero(8192));
            arrived += 8192;
            // The buffer grows with what came: at most twice it (the allocator rounds up), never the claim.
            assertThat(decoder.heldBytes()).isBetween(arrived, 2 * arrived + 4096);
            assertThat(budget.used()).isEqualTo(decoder.heldBytes());
        }

        channel.close();
        assertThat(budget.used()).isZero();
    }

    @Test
    void connectionsShareOneBudgetAndTheOneThatDoesNotFitIsRefused() {
        PartialFrameBudget budget = new PartialFrameBudget(64 * 1024);
        FrameDecoder first = new FrameDecoder(MAX, budget);
        FrameDecoder second = new FrameDecoder(MAX, budget);
        EmbeddedChannel one = channel(first);
        EmbeddedChannel two = channel(second);

        one.writeInbound(prefix(MAX - 100, 40 * 1024));
        assertThat(budget.used()).isGreaterThanOrEqualTo(40 * 1024L).isLessThanOrEqualTo(64 * 1024L);

        ByteBuf tooMuch = prefix(MAX - 100, 30 * 1024);
        assertThatThrownBy(() -> two.writeInbound(tooMuch)).isInstanceOf(FrameMemoryException.class)
                .hasMessageContaining("partial-frame memory limit")
                .hasMessageContaining("of 65536 bytes held for incomplete frames of all connections");
        assertThat(budget.used()).as("held until the connection closes, and counted")
                .isEqualTo(first.heldBytes() + second.heldBytes());

        // After the refusal, that connection's bytes are dropped until it closes.
        ByteBuf later = ping(1);
        two.writeInbound(later);
        assertThat(later.refCnt()).isZero();
        assertThat((Object) two.readInbound()).isNull();

        one.close();
        two.close();
        assertThat(budget.used()).isZero();
        // The other connections are served as before.
        EmbeddedChannel three = channel(new FrameDecoder(MAX, budget));
        three.writeInbound(ping(7));
        assertThat((Frame) three.readInbound()).isEqualTo(new ControlFrame(FrameType.PING, 7, ""));
        assertThat(budget.used()).isZero();
    }

    @Test
    void decodedFramesGiveTheirBytesBack() {
        PartialFrameBudget budget = new PartialFrameBudget(1024 * 1024);
        EmbeddedChannel channel = channel(new FrameDecoder(MAX, budget));
        ByteBuf two = Unpooled.buffer();
        FrameEncoder.encode(new ControlFrame(FrameType.PING, 1, ""), two, MAX);
        FrameEncoder.encode(new ControlFrame(FrameType.PING, 2, ""), two, MAX);
        ByteBuf half = two.readRetainedSlice(two.readableBytes() - 5);
        channel.writeInbound(half);
        assertThat(budget.used()).isPositive();
        channel.writeInbound(two);
        assertThat(channel.inboundMessages()).hasSize(2);
        assertThat(budget.used()).isZero();
    }

    @Test
    void aPausedDecoderDecodesNoFurtherFrameUntilResumed() {
        FrameDecoder decoder = new FrameDecoder(MAX, new PartialFrameBudget(1024 * 1024));
        List<Frame> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seen.add((Frame) msg);
                decoder.pause(); // as the guard does at its in-flight cap
            }
        });
        channels.add(channel);
        ByteBuf three = Unpooled.buffer();
        for (int id = 1; id <= 3; id++) {
            FrameEncoder.encode(new ControlFrame(FrameType.PING, id, ""), three, MAX);
        }
        channel.writeInbound(three);
        assertThat(seen).extracting(Frame::requestId).containsExactly(1L);
        assertThat(decoder.isPaused()).isTrue();
        assertThat(decoder.heldBytes()).isPositive();
        assertThat(decoder.partialSinceNanos()).as("frames we hold back are not late").isZero();

        decoder.resume();
        assertThat(seen).extracting(Frame::requestId).containsExactly(1L, 2L);
        decoder.resume();
        assertThat(seen).extracting(Frame::requestId).containsExactly(1L, 2L, 3L);
        assertThat(decoder.heldBytes()).isZero();
    }

    @Test
    void anIncompleteFrameKnowsWhenItBeganAndACompleteOneResetsIt() {
        FrameDecoder decoder = new FrameDecoder(MAX);
        EmbeddedChannel channel = channel(decoder);
        channel.freezeTime();
        assertThat(decoder.partialSinceNanos()).isZero();

        ByteBuf ping = ping(1);
        channel.writeInbound(ping.readRetainedSlice(6));
        long began = decoder.partialSinceNanos();
        assertThat(began).isNotZero();

        channel.advanceTimeBy(3, TimeUnit.SECONDS);
        channel.writeInbound(ping.readRetainedSlice(2));
        assertThat(decoder.partialSinceNanos()).as("still the same frame").isEqualTo(began);

        // The rest of the frame and the start of the next: the next one began now.
        ByteBuf rest = Unpooled.buffer().writeBytes(ping);
        ping.release();
        ByteBuf next = ping(2);
        rest.writeBytes(next, 3);
        next.release();
        channel.writeInbound(rest);
        assertThat((Frame) channel.readInbound()).isEqualTo(new ControlFrame(FrameType.PING, 1, ""));
        assertThat(decoder.partialSinceNanos() - began).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(decoder.claimedLength()).isEqualTo(-1); // 3 bytes: the prefix is not complete yet
    }
}
