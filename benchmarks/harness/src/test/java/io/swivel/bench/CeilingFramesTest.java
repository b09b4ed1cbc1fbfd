package io.swivel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.bench.peer.ceiling.CeilingFrames;
import io.swivel.bench.user.Page;
import io.swivel.bench.user.User;
import io.swivel.bench.user.UserService;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ceiling's recorded frames are valid swivel/1 frames that Swivel's own codec reads back. */
class CeilingFramesTest {

    private final SerializationContext serialization = SerializationContext.create(UserService.class.getClassLoader(),
            TypeAllowlist.forServices(List.of(UserService.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);

    @Test
    void getUserFramesDecodeToTheCallAndItsUser() {
        CeilingFrames frames = CeilingFrames.of(Op.GET_USER, Mode.SYNC);
        RequestFrame request = (RequestFrame) parse(frames.request());
        assertThat(request.service()).isEqualTo(UserService.class.getName());
        assertThat(request.methodKey()).isEqualTo("getUser(long)");
        assertThat(serialization.decode(request.body(), 1)).containsExactly(42L);
        ResponseFrame response = (ResponseFrame) parse(frames.response());
        assertThat(response.status()).isEqualTo(Status.OK);
        User user = (User) serialization.decode(response.body(), 1)[0];
        assertThat(user.getId()).isEqualTo(42);
        assertThat(user.getEmail()).isEqualTo("dong.lea@gmail.com");
    }

    @Test
    void asyncListUserFramesCarryTheAsyncMethodAndFifteenUsers() {
        CeilingFrames frames = CeilingFrames.of(Op.LIST_USER, Mode.ASYNC);
        assertThat(((RequestFrame) parse(frames.request())).methodKey()).isEqualTo("listUserAsync(int)");
        Page<?> page = (Page<?>) serialization.decode(((ResponseFrame) parse(frames.response())).body(), 1)[0];
        assertThat(page.getResult()).hasSize(15);
    }

    private static Frame parse(byte[] whole) {
        ByteBuf buffer = Unpooled.wrappedBuffer(whole);
        assertThat(buffer.readInt()).as("length prefix").isEqualTo(whole.length - 4);
        return FrameDecoder.parse(buffer);
    }
}
