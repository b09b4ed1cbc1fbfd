package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallMetadataTest {

    private static final int MAX = 64 * 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX, null,
            new CallMetadata.Limits(4, 256)), new FrameEncoder(MAX));

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf encode(Frame frame) {
        ByteBuf out = Unpooled.buffer();
        FrameEncoder.encode(frame, out, MAX);
        return out;
    }

    private RequestFrame roundTrip(RequestFrame frame) {
        assertThat(channel.writeInbound(encode(frame))).isTrue();
        return channel.readInbound();
    }

    @Test
    void metadataSurvivesTheWireAndFlagsTheTypeByte() {
        Map<String, String> metadata = Map.of("tenant", "acme", "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "note", "grüße 👋");
        RequestFrame sent = new RequestFrame(9, "io.example.Users", "getUser(int)", "", 500, metadata,
                new byte[] {1, 2, 3});

        ByteBuf wire = encode(sent);
        assertThat(wire.getByte(5) & 0xFF).isEqualTo(FrameType.REQUEST.code() | Frame.FLAG_METADATA);
        assertThat(channel.writeInbound(wire)).isTrue();
        RequestFrame got = channel.readInbound();

        assertThat(got.metadata()).isEqualTo(metadata);
        assertThat(got.refusal()).isNull();
        assertThat(got.body()).containsExactly(1, 2, 3);
        assertThat(got.timeoutMillis()).isEqualTo(500);
        assertThatThrownBy(() -> got.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aRequestWithoutMetadataIsTheFrameOfOldClients() {
        RequestFrame sent = new RequestFrame(1, "s", "m()", "", 0, new byte[] {7});
        ByteBuf wire = encode(sent);
        // byte for byte what a client before metadata sent: no flag, no block
        assertThat(wire.getByte(5)).isEqualTo(FrameType.REQUEST.code());
        assertThat(wire.readableBytes()).isEqualTo(4 + Frame.HEADER_LENGTH + 4 + 2 + 1 + 2 + 3 + 2 + 1);
        assertThat(channel.writeInbound(wire)).isTrue();
        RequestFrame got = channel.readInbound();
        assertThat(got.metadata()).isEmpty();
        assertThat(got.refusal()).isNull();
        assertThat(got.body()).containsExactly(7);
    }

    @Test
    void tooManyEntriesAreRefusedWithoutBeingDecodedAndTheConnectionGoesOn() {
        Map<String, String> five = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            five.put("k" + i, "v");
        }
        RequestFrame got = roundTrip(new RequestFrame(3, "s", "m()", "", 0, five, new byte[] {42}));
        assertThat(got.refusal()).isEqualTo("call metadata of 5 entries and 37 bytes exceeds the server's limit of "
                + "4 entries and 256 bytes per call");
        assertThat(got.metadata()).isEmpty();
        assertThat(got.body()).containsExactly(42);

        RequestFrame next = roundTrip(new RequestFrame(4, "s", "m()", "", 0, Map.of("k", "v"), new byte[0]));
        assertThat(next.refusal()).isNull();
        assertThat(next.metadata()).containsEntry("k", "v");
    }

    @Test
    void tooManyBytesAreRefusedBeforeAnyEntryIsRead() {
        RequestFrame got = roundTrip(new RequestFrame(5, "s", "m()", "", 0, Map.of("big", "x".repeat(300)), new byte[0]));
        assertThat(got.refusal()).contains("1 entries and 309 bytes exceeds the server's limit of 4 entries and 256 bytes");
    }

    @Test
    void aKeyOutsideTheAlphabetIsRefused() {
        // written by hand: the client checks keys before it sends
        ByteBuf wire = requestWithBlock(block(1, "Tenant", "acme"));
        assertThat(channel.writeInbound(wire)).isTrue();
        RequestFrame got = channel.readInbound();
        assertThat(got.refusal()).isEqualTo("call metadata key 'Tenant' may hold only a-z, 0-9, '.', '_' and '-'");
    }

    @Test
    void aBlockThatLiesAboutItsLengthBreaksTheFraming() {
        ByteBuf block = Unpooled.buffer();
        block.writeInt(1_000_000).writeShort(1);
        ByteBuf wire = requestWithBlock(block);
        assertThatThrownBy(() -> channel.writeInbound(wire)).isInstanceOf(ProtocolException.Malformed.class)
                .hasMessageContaining("metadata block of request 77 claims 1000000 bytes");
    }

    @Test
    void entriesThatDoNotFillTheirBlockBreakTheFraming() {
        ByteBuf block = block(1, "k", "v");
        block.setInt(0, block.getInt(0) + 1);
        block.writeByte(0);
        assertThatThrownBy(() -> channel.writeInbound(requestWithBlock(block)))
                .isInstanceOf(ProtocolException.Malformed.class).hasMessageContaining("1 bytes after its 1 entries");
    }

    @Test
    void theFlagOnAnyOtherTypeIsAnUnknownType() {
        ByteBuf wire = encode(ResponseFrame.message(1, Status.OK, "x"));
        wire.setByte(5, FrameType.RESPONSE.code() | Frame.FLAG_METADATA);
        assertThatThrownBy(() -> channel.writeInbound(wire)).isInstanceOf(ProtocolException.UnknownType.class)
                .hasMessageContaining("unknown frame type 131");
    }

    @Test
    void callersCheckTheLimitsBeforeSending() {
        CallMetadata.Limits limits = CallMetadata.Limits.DEFAULTS;
        assertThat(limits.check(Map.of("tenant", "acme"))).isNull();
        assertThat(limits.check(Map.of("Tenant", "acme"))).contains("may hold only");
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("k" + i, "v");
        }
        assertThat(limits.check(many)).isEqualTo("call metadata has 65 entries, more than the limit of 64");
        assertThat(limits.check(Map.of("k", "x".repeat(8 * 1024)))).contains("more than the limit of 8192 bytes");
        assertThatThrownBy(() -> new CallMetadata.Limits(0, 1024)).hasMessageContaining("maxEntries: 0");
    }

    private static ByteBuf block(int count, String key, String value) {
        ByteBuf block = Unpooled.buffer();
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        block.writeInt(2 + 4 + k.length + v.length).writeShort(count);
        block.writeShort(k.length).writeBytes(k).writeShort(v.length).writeBytes(v);
        return block;
    }

    private static ByteBuf requestWithBlock(ByteBuf block) {
        ByteBuf wire = Unpooled.buffer();
        wire.writeInt(0).writeByte(Frame.MAGIC_V1).writeByte(FrameType.REQUEST.code() | Frame.FLAG_METADATA)
                .writeLong(77).writeInt(0);
        wire.writeShort(1).writeByte('s').writeShort(3).writeBytes("m()".getBytes(StandardCharsets.UTF_8))
                .writeShort(0);
        wire.writeBytes(block);
        block.release();
        wire.setInt(0, wire.readableBytes() - 4);
        return wire;
    }
}
