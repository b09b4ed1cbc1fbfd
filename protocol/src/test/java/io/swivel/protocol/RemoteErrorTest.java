package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RemoteErrorTest {

    @Test
    void describesAThrowableByNameMessageAndStack() {
        IllegalStateException error = new IllegalStateException("no greeting for »Zoë«",
                new java.io.IOException("disk"));
        RemoteError remote = RemoteError.of(error);

        assertThat(remote.type()).isEqualTo("java.lang.IllegalStateException");
        assertThat(remote.message()).isEqualTo("no greeting for »Zoë«");
        assertThat(remote.remoteStack())
                .startsWith("java.lang.IllegalStateException: no greeting for »Zoë«")
                .contains("at io.swivel.protocol.RemoteErrorTest.describesAThrowableByNameMessageAndStack")
                .contains("Caused by: java.io.IOException: disk");
    }

    @Test
    void aMissingMessageBecomesEmpty() {
        assertThat(RemoteError.of(new NullPointerException()).message()).isEmpty();
    }

    @Test
    void aHugeStackIsTruncated() {
        RuntimeException deep = new RuntimeException("deep");
        StackTraceElement[] stack = new StackTraceElement[5_000];
        Arrays.fill(stack, new StackTraceElement("com.example.Recursive", "again", "Recursive.java", 42));
        deep.setStackTrace(stack);

        String text = RemoteError.of(deep).remoteStack();
        assertThat(text).hasSize(RemoteError.MAX_STACK_CHARS + "\n\t... (truncated)".length()).endsWith("(truncated)");
    }

    @Test
    void roundTripsThroughItsEncoding() {
        RemoteError error = new RemoteError("com.example.Boom", "bäng ✗", "com.example.Boom: bäng ✗\n\tat x.y(Z.java:1)");
        assertThat(RemoteError.decode(error.encode())).isEqualTo(error);

        RemoteError empty = new RemoteError("E", "", "");
        assertThat(RemoteError.decode(empty.encode())).isEqualTo(empty);

        RemoteError real = RemoteError.of(new IllegalArgumentException("bad"));
        assertThat(RemoteError.decode(real.encode())).isEqualTo(real);
    }

    @Test
    void encodingIsThreeLengthPrefixedUtf8Strings() {
        byte[] bytes = new RemoteError("E", "é", "").encode();
        assertThat(bytes).containsExactly(0, 0, 0, 1, 'E', 0, 0, 0, 2, 0xC3 - 256, 0xA9 - 256, 0, 0, 0, 0);
    }

    @Test
    void everyTruncationIsMalformed() {
        byte[] valid = new RemoteError("com.example.Boom", "message", "stack").encode();
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> RemoteError.decode(cut)).as("cut at %d", length)
                    .isInstanceOf(ProtocolException.Malformed.class);
        }
    }

    @Test
    void garbageIsMalformed() {
        assertThatThrownBy(() -> RemoteError.decode("not an error body".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.Malformed.class);
        assertThatThrownBy(() -> RemoteError.decode(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))
                .isInstanceOf(ProtocolException.Malformed.class).hasMessageContaining("-1");
        ByteBuf lying = Unpooled.buffer().writeInt(1).writeByte('E').writeInt(Integer.MAX_VALUE).writeByte('m');
        byte[] bytes = new byte[lying.readableBytes()];
        lying.readBytes(bytes).release();
        assertThatThrownBy(() -> RemoteError.decode(bytes)).isInstanceOf(ProtocolException.Malformed.class)
                .hasMessageContaining(String.valueOf(Integer.MAX_VALUE));
    }

    @Test
    void fieldsAreRequired() {
        assertThatThrownBy(() -> new RemoteError(null, "", "")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RemoteError("E", null, "")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RemoteError("E", "", null)).isInstanceOf(NullPointerException.class);
    }
}
