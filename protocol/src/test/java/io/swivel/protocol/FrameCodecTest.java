package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameCodecTest {

    private static final int MAX = 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX), new FrameEncoder(MAX));

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    static Stream<Frame> frames() {
        List<Frame> frames = new ArrayList<>();
        frames.add(new RequestFrame(1, "io.example.Greeter", "greet(java.lang.String)", "", 0, new byte[0]));
        frames.add(new RequestFrame(Long.MAX_VALUE, "io.example.Grüße", "sag(java.lang.String,int)", "[1.0,2.0)",
                Integer.MAX_VALUE, new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0x80, 127}));
        frames.add(new RequestFrame(-7, "s", "m()", "1.2.3", 1500, "body 👋".getBytes(StandardCharsets.UTF_8)));
        for (Status status : Status.values()) {
            frames.add(new ResponseFrame(40 + status.ordinal(), status,
                    ("body of " + status).getBytes(StandardCharsets.UTF_8)));
        }
        frames.add(new ResponseFrame(0, Status.OK, new byte[0]));
        frames.add(new ControlFrame(FrameType.HELLO, 0, "swivel/1 client 0.1.0 ☕"));
        frames.add(new ControlFrame(FrameType.PING, 99, ""));
        frames.add(new ControlFrame(FrameType.PONG, 99, ""));
        frames.add(new ControlFrame(FrameType.GOAWAY, 0, "server shutting down"));
        return frames.stream();
    }

    @ParameterizedTest
    @MethodSource("frames")
    void everyFrameSurvivesTheWire(Frame frame) {
        ByteBuf wire = encode(frame);
        assertThat(wire.getInt(0)).isEqualTo(wire.readableBytes() - 4);
        assertThat(wire.getByte(4)).isEqualTo(Frame.MAGIC_V1);
        assertThat(wire.getByte(5)).isEqualTo(frame.type().code());

        assertThat(channel.writeInbound(wire)).isTrue();
        assertSameFrame(channel.readInbound(), frame);
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @ParameterizedTest
    @MethodSource("frames")
    void aFrameArrivingOneByteAtATimeIsReassembled(Frame frame) {
        ByteBuf wire = encode(frame);
        try {
            while (wire.readableBytes() > 1) {
                channel.writeInbound(wire.readRetainedSlice(1));
                assertThat(channel.<Object>readInbound()).as("frame emitted before its last byte").isNull();
            }
            channel.writeInbound(wire.readRetainedSlice(1));
        } finally {
            wire.release();
        }
        assertSameFrame(channel.readInbound(), frame);
    }

    @Test
    void severalFramesInOneBufferComeOutInOrder() {
        List<Frame> frames = frames().toList();
        ByteBuf all = Unpooled.buffer();
        for (Frame frame : frames) {
            FrameEncoder.encode(frame, all, MAX);
        }
        channel.writeInbound(all);
        for (Frame frame : frames) {
            assertSameFrame(channel.readInbound(), frame);
        }
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void wireFormatIsBigEndianWithTheDocumentedLayout() {
        ByteBuf ping = encode(new ControlFrame(FrameType.PING, 0x0102030405060708L, ""));
        assertThat(ByteBufUtil.hexDump(ping)).isEqualTo("0000000a" + "a1" + "04" + "0102030405060708");
        ping.release();

        ByteBuf request = encode(new RequestFrame(5, "S", "m()", "", 300, new byte[] {9}));
        assertThat(ByteBufUtil.hexDump(request)).isEqualTo("00000019" + "a1" + "02" + "0000000000000005"
                + "0000012c" + "0001" + "53" + "0003" + "6d2829" + "0000" + "09");
        request.release();

        ByteBuf response = encode(new ResponseFrame(6, Status.RELOADING, new byte[] {1, 2}));
        assertThat(ByteBufUtil.hexDump(response)).isEqualTo("0000000d" + "a1" + "03" + "0000000000000006"
                + "06" + "0102");
        response.release();
    }

    @Test
    void theDecoderAcceptsAFrameOfExactlyItsLimitLengthPrefixExcluded() {
        // The limit counts what follows the length prefix (Frame, FrameDecoder and FrameEncoder say so),
        // so the decoder must take every frame that an encoder with the same limit writes.
        Frame atLimit = new ControlFrame(FrameType.GOAWAY, 1, "x".repeat(MAX - Frame.HEADER_LENGTH));
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encode(atLimit, wire, MAX);
        assertThat(wire.getInt(0)).isEqualTo(MAX);

        channel.writeInbound(wire);
        assertSameFrame(channel.readInbound(), atLimit);
    }

    @Test
    void theDecoderRefusesAFrameOneByteOverItsLimit() {
        ByteBuf in = Unpooled.buffer().writeInt(MAX + 1).writeByte(Frame.MAGIC_V1).writeByte(FrameType.GOAWAY.code())
                .writeLong(1).writeBytes(new byte[MAX + 1 - Frame.HEADER_LENGTH]);

        assertThatThrownBy(() -> channel.writeInbound(in)).isInstanceOf(TooLongFrameException.class);
        assertThat(in.refCnt()).isZero();
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void theEncoderWritesAFrameOfExactlyItsLimitAndRefusesOneByteMoreToTheWriter() {
        Frame atLimit = new ControlFrame(FrameType.GOAWAY, 1, "x".repeat(MAX - Frame.HEADER_LENGTH));
        EmbeddedChannel encoderOnly = new EmbeddedChannel(new FrameEncoder(MAX));
        try {
            assertThat(encoderOnly.writeOutbound(atLimit)).isTrue();
            ByteBuf wire = encoderOnly.readOutbound();
            assertThat(wire.readableBytes()).isEqualTo(4 + MAX);
            wire.release();

            Frame overLimit = new ControlFrame(FrameType.GOAWAY, 2, "x".repeat(MAX - Frame.HEADER_LENGTH + 1));
            ChannelFuture write = encoderOnly.writeAndFlush(overLimit);
            assertThat(write.isDone()).isTrue();
            assertThat(causes(write.cause())).anySatisfy(cause -> assertThat(cause)
                    .isInstanceOf(TooLongFrameException.class).hasMessageContaining("1025 bytes"));
            assertThat(encoderOnly.<Object>readOutbound()).as("nothing of the refused frame was written").isNull();

            // The writer is told; the connection stays usable.
            assertThat(encoderOnly.isOpen()).isTrue();
            assertThat(encoderOnly.writeOutbound(new ControlFrame(FrameType.PING, 3, ""))).isTrue();
        } finally {
            encoderOnly.finishAndReleaseAll();
        }
    }

    @Test
    void aRequestOverTheLimitIsRefusedByTheEncoder() {
        Frame request = new RequestFrame(1, "svc", "m()", "", 0, new byte[MAX]);
        ChannelFuture write = channel.writeAndFlush(request);
        assertThat(causes(write.cause())).anyMatch(TooLongFrameException.class::isInstance);
        assertThat(channel.<Object>readOutbound()).isNull();
    }

    @Test
    void theStaticEncoderLeavesTheBufferAsItWasWhenItRefuses() {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(42);
            assertThatThrownBy(() -> FrameEncoder.encode(new ResponseFrame(1, Status.OK, new byte[MAX]), out, MAX))
                    .isInstanceOf(TooLongFrameException.class);
            assertThat(out.writerIndex()).isEqualTo(1);
        } finally {
            out.release();
        }
    }

    @Test
    void theStaticEncoderLeavesTheBufferAsItWasWhenAFieldIsTooLong() {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(42);
            Frame frame = new RequestFrame(1, "svc", "m".repeat(0x10000), "", 0, new byte[0]);
            assertThatThrownBy(() -> FrameEncoder.encode(frame, out, Frame.DEFAULT_MAX_FRAME_LENGTH))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("methodKey");
            assertThat(out.writerIndex()).as("no partial frame left behind").isEqualTo(1);
        } finally {
            out.release();
        }
    }

    @Test
    void aServiceNameLongerThanAnUnsignedShortIsRefused() {
        EmbeddedChannel big = new EmbeddedChannel(new FrameEncoder(Frame.DEFAULT_MAX_FRAME_LENGTH));
        try {
            ChannelFuture write = big.writeAndFlush(new RequestFrame(1, "s".repeat(0x10000), "m()", "", 0, new byte[0]));
            assertThat(causes(write.cause())).anySatisfy(cause -> assertThat(cause)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service"));
            assertThat(big.<Object>readOutbound()).isNull();
        } finally {
            big.finishAndReleaseAll();
        }
    }

    @Test
    void aLengthPrefixOverTheLimitFailsAtOnceAndReleasesTheBuffer() {
        ByteBuf in = Unpooled.buffer().writeInt(MAX + 1).writeByte(Frame.MAGIC_V1).writeByte(4).writeLong(0);

        assertThatThrownBy(() -> channel.writeInbound(in)).isInstanceOf(TooLongFrameException.class);
        assertThat(in.refCnt()).isZero();
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void aNegativeLengthPrefixIsRejected() {
        ByteBuf in = Unpooled.buffer().writeInt(-1).writeLong(0).writeLong(0);

        // The prefix is read unsigned: -1 is 4 GiB, far over the limit.
        assertThatThrownBy(() -> channel.writeInbound(in)).isInstanceOf(TooLongFrameException.class);
        assertThat(in.refCnt()).isZero();
    }

    @Test
    void badMagicIsRefused() {
        assertRefused(frame(0xA2, 4, b -> { }), ProtocolException.BadMagic.class, "0xA2");
        assertRefused(frame('G', 'E', b -> { }), ProtocolException.BadMagic.class, "0x47");
    }

    @Test
    void unknownTypeIsRefused() {
        assertRefused(frame(0xA1, 0, b -> { }), ProtocolException.UnknownType.class, "type 0");
        assertRefused(frame(0xA1, 7, b -> { }), ProtocolException.UnknownType.class, "type 7");
        assertRefused(frame(0xA1, 0xFF, b -> { }), ProtocolException.UnknownType.class, "type 255");
        assertRefused(frame(0xA1, 0x83, b -> { }), ProtocolException.UnknownType.class, "type 131");
    }

    @Test
    void aFrameShorterThanTheHeaderIsMalformed() {
        ByteBuf in = Unpooled.buffer().writeInt(5).writeByte(Frame.MAGIC_V1).writeByte(4).writeShort(0).writeByte(0);
        assertRefused(in, ProtocolException.Malformed.class, "header");
    }

    @Test
    void aRequestWhoseServiceLengthRunsPastTheFrameIsMalformed() {
        assertRefused(frame(0xA1, 2, b -> b.writeInt(0).writeShort(200).writeBytes("abc".getBytes(StandardCharsets.UTF_8))),
                ProtocolException.Malformed.class, "service");
    }

    @Test
    void aRequestCutAnywhereIsMalformed() {
        ByteBuf valid = encode(new RequestFrame(3, "svc", "m(int)", "1.0", 10, new byte[0]));
        byte[] bytes = ByteBufUtil.getBytes(valid, 4, valid.readableBytes() - 4);
        valid.release();
        // Every cut that stops before the version constraint is complete (the body may be empty).
        for (int length = 0; length < bytes.length; length++) {
            ByteBuf in = Unpooled.buffer().writeInt(length).writeBytes(bytes, 0, length);
            assertThatThrownBy(() -> channel.writeInbound(in)).as("cut at %d", length)
                    .isInstanceOf(ProtocolException.Malformed.class);
            assertThat(in.refCnt()).isZero();
        }
    }

    @Test
    void aRequestWithANegativeTimeoutOrNoServiceOrMethodIsMalformed() {
        assertRefused(frame(0xA1, 2, b -> b.writeInt(-1).writeShort(1).writeByte('s').writeShort(1).writeByte('m')
                .writeShort(0)), ProtocolException.Malformed.class, "timeout");
        assertRefused(frame(0xA1, 2, b -> b.writeInt(0).writeShort(0).writeShort(1).writeByte('m').writeShort(0)),
                ProtocolException.Malformed.class, "no service");
        assertRefused(frame(0xA1, 2, b -> b.writeInt(0).writeShort(1).writeByte('s').writeShort(0).writeShort(0)),
                ProtocolException.Malformed.class, "no service or method");
    }

    @Test
    void aResponseWithAnUnknownStatusOrNoStatusIsMalformed() {
        assertRefused(frame(0xA1, 3, b -> b.writeByte(8)), ProtocolException.Malformed.class, "unknown status 8");
        assertRefused(frame(0xA1, 3, b -> b.writeByte(0xFF).writeByte(1)), ProtocolException.Malformed.class,
                "unknown status -1");
        assertRefused(frame(0xA1, 3, b -> { }), ProtocolException.Malformed.class, "status");
    }

    @Test
    void constructorsCheckTheirArguments() {
        assertThatThrownBy(() -> new FrameEncoder(Frame.HEADER_LENGTH)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFrameLength");
        assertThatThrownBy(() -> new RequestFrame(1, "s", "m()", "", -1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeoutMillis");
        assertThatThrownBy(() -> new RequestFrame(1, null, "m()", "", 0, new byte[0]))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("service");
        assertThatThrownBy(() -> new ResponseFrame(1, null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ControlFrame(FrameType.REQUEST, 1, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlFrame(FrameType.RESPONSE, 1, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messageResponsesCarryUtf8Text() {
        ResponseFrame frame = ResponseFrame.message(8, Status.NOT_FOUND, "no service »x« here");
        channel.writeInbound(encode(frame));
        ResponseFrame decoded = channel.readInbound();
        assertThat(decoded.bodyAsMessage()).isEqualTo("no service »x« here");
        assertThat(decoded.status()).isEqualTo(Status.NOT_FOUND);
    }

    @Test
    void codesRoundTripAndOnlyOverloadedAndReloadingAreRetryable() {
        for (FrameType type : FrameType.values()) {
            assertThat(FrameType.fromCode(type.code())).isSameAs(type);
        }
        for (Status status : Status.values()) {
            assertThat(Status.fromCode(status.code())).isSameAs(status);
        }
        assertThat(Arrays.stream(Status.values()).filter(Status::retryable))
                .containsExactlyInAnyOrder(Status.OVERLOADED, Status.RELOADING);
        assertThat(FrameType.fromCode(-1)).isNull();
        assertThat(FrameType.fromCode(1000)).isNull();
        assertThat(Status.fromCode(8)).isNull();
        assertThat(Status.fromCode(-128)).isNull();
    }

    private ByteBuf encode(Frame frame) {
        assertThat(channel.writeOutbound(frame)).isTrue();
        ByteBuf wire = channel.readOutbound();
        assertThat(channel.<Object>readOutbound()).isNull();
        return wire;
    }

    /** A frame with a correct length prefix around: magic, type, request id 77, then {@code rest}. */
    private static ByteBuf frame(int magic, int type, Consumer<ByteBuf> rest) {
        ByteBuf content = Unpooled.buffer().writeByte(magic).writeByte(type).writeLong(77);
        rest.accept(content);
        ByteBuf in = Unpooled.buffer().writeInt(content.readableBytes()).writeBytes(content);
        content.release();
        return in;
    }

    private void assertRefused(ByteBuf in, Class<? extends ProtocolException> expected, String messagePart) {
        assertThatThrownBy(() -> channel.writeInbound(in)).isInstanceOf(expected).hasMessageContaining(messagePart);
        assertThat(in.refCnt()).as("input buffer released").isZero();
        assertThat(channel.<Object>readInbound()).isNull();
    }

    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    static void assertSameFrame(Frame actual, Frame expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.type()).isEqualTo(expected.type());
        assertThat(actual.requestId()).isEqualTo(expected.requestId());
        if (expected instanceof RequestFrame request) {
            RequestFrame got = (RequestFrame) actual;
            assertThat(got.service()).isEqualTo(request.service());
            assertThat(got.methodKey()).isEqualTo(request.methodKey());
            assertThat(got.versionConstraint()).isEqualTo(request.versionConstraint());
            assertThat(got.timeoutMillis()).isEqualTo(request.timeoutMillis());
            assertThat(got.body()).containsExactly(request.body());
        } else if (expected instanceof ResponseFrame response) {
            ResponseFrame got = (ResponseFrame) actual;
            assertThat(got.status()).isEqualTo(response.status());
            assertThat(got.body()).containsExactly(response.body());
        } else {
            assertThat(actual).isEqualTo(expected); // ControlFrame has no array: record equality
        }
    }
}
