package io.swivel.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.bench.user.Page;
import io.swivel.bench.user.User;
import io.swivel.bench.user.UserSamples;
import io.swivel.bench.user.UserService;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.DecodeBudget;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Swivel's codec on the workload's payloads: Kryo encode and decode of getUser's and listUser's
 * results through a {@link SerializationContext} (the allowlisted context a client proxy uses),
 * and writing and parsing a whole response frame.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class CodecBenchmark {

    private SerializationContext serialization;
    private User user;
    private Page<User> page;
    private byte[] userBody;
    private byte[] pageBody;
    private ByteBuf frameBuffer;
    private ResponseFrame userFrame;
    private Type userType;
    private Type pageType;

    /** Builds the context, the payloads and their encoded forms. */
    @Setup(Level.Trial)
    public void setUp() {
        serialization = SerializationContext.create(UserService.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(UserService.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);
        user = UserSamples.user(42);
        page = UserSamples.page(42);
        userBody = serialization.encode(user);
        pageBody = serialization.encode(page);
        userFrame = new ResponseFrame(42, Status.OK, userBody);
        frameBuffer = Unpooled.buffer(4096);
        try {
            userType = UserService.class.getMethod("getUser", long.class).getGenericReturnType();
            pageType = UserService.class.getMethod("listUser", int.class).getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Releases the frame buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        frameBuffer.release();
    }

    /** @return getUser's result encoded */
    @Benchmark
    public byte[] encodeUser() {
        return serialization.encode(user);
    }

    /** @return getUser's result decoded */
    @Benchmark
    public Object[] decodeUser() {
        return serialization.decode(userBody, 1);
    }

    /** @return listUser's result (15 users) encoded */
    @Benchmark
    public byte[] encodePage() {
        return serialization.encode(page);
    }

    /** @return listUser's result decoded */
    @Benchmark
    public Object[] decodePage() {
        return serialization.decode(pageBody, 1);
    }

    /** @return getUser's result decoded as the client decodes it: against the declared return type, under a budget */
    @Benchmark
    public Object decodeUserResult() {
        return serialization.decodeResult(userBody, userType, DecodeBudget.defaults());
    }

    /** @return listUser's result decoded as the client decodes it: against {@code Page<User>}, under a budget */
    @Benchmark
    public Object decodePageResult() {
        return serialization.decodeResult(pageBody, pageType, DecodeBudget.defaults());
    }

    /** @return getUser's response frame written and parsed again (body already encoded) */
    @Benchmark
    public Frame frameRoundTripUser() {
        frameBuffer.clear();
        FrameEncoder.encode(userFrame, frameBuffer, Frame.DEFAULT_MAX_FRAME_LENGTH);
        frameBuffer.skipBytes(4);
        return FrameDecoder.parse(frameBuffer);
    }
}
