package io.swivel.bench.peer.ceiling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.bench.user.Page;
import io.swivel.bench.user.User;
import io.swivel.bench.user.UserSamples;
import io.swivel.bench.user.UserService;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import java.lang.reflect.Method;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The exact {@code swivel/1} bytes Swivel's client and server exchange for one call, encoded
 * once with Swivel's own frame encoder and Kryo context (as the client's proxy and the server's
 * dispatcher encode them), so the ceiling moves the same bytes per call without any of the work.
 *
 * @param op the operation
 * @param mode sync or async (their method keys differ, so their requests do too)
 * @param methodKey the method key carried by the request
 * @param request the whole request frame, length prefix included, request id 0
 * @param response the whole response frame, length prefix included, request id 0
 */
public record CeilingFrames(Op op, Mode mode, String methodKey, byte[] request, byte[] response) {

    /** Where the request id sits in a frame whose length prefix was stripped. */
    public static final int ID_OFFSET_IN_FRAME = 2;
    /** Where the request id sits in a whole frame, length prefix included. */
    public static final int ID_OFFSET = 4 + ID_OFFSET_IN_FRAME;

    /** The deadline Swivel's client sends by default. */
    private static final int TIMEOUT_MILLIS = 5000;
    /** The sequence number the recorded call was made with. */
    private static final long SEQ = 42;
    /**
     * The users' timestamps: fixed (with a full nanosecond part, as {@code now()} has), so that
     * every JVM records the same bytes.
     */
    private static final LocalDateTime TIME = LocalDateTime.of(2026, 11, 20, 12, 34, 56, 123_456_789);

    /**
     * Encodes the frames of one call.
     *
     * @param op the operation
     * @param mode which of the service's two methods
     * @return the frames
     */
    public static CeilingFrames of(Op op, Mode mode) {
        SerializationContext serialization = SerializationContext.create(UserService.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(UserService.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);
        Object argument;
        Object result;
        Class<?> parameterType;
        switch (op) {
            case EXIST_USER -> {
                argument = String.valueOf(SEQ);
                result = UserSamples.exists(String.valueOf(SEQ));
                parameterType = String.class;
            }
            case CREATE_USER -> {
                argument = fixed(UserSamples.user(SEQ));
                result = Boolean.TRUE;
                parameterType = User.class;
            }
            case GET_USER -> {
                argument = SEQ;
                result = fixed(UserSamples.user(SEQ));
                parameterType = long.class;
            }
            case LIST_USER -> {
                argument = (int) SEQ;
                Page<User> page = UserSamples.page((int) SEQ);
                page.getResult().forEach(CeilingFrames::fixed);
                result = page;
                parameterType = int.class;
            }
            default -> throw new IllegalArgumentException(op.toString());
        }
        String name = op.label() + (mode == Mode.ASYNC ? "Async" : "");
        String methodKey;
        try {
            Method method = UserService.class.getMethod(name, parameterType);
            methodKey = MethodKeys.of(method);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("UserService has no " + name + "(" + parameterType.getName() + ")", e);
        }
        byte[] request = frame(new RequestFrame(0, UserService.class.getName(), methodKey, "", TIMEOUT_MILLIS,
                serialization.encode(argument)));
        byte[] response = frame(new ResponseFrame(0, Status.OK, serialization.encode(result)));
        return new CeilingFrames(op, mode, methodKey, request, response);
    }

    private static User fixed(User user) {
        user.setCreateTime(TIME);
        user.setUpdateTime(TIME);
        return user;
    }

    private static byte[] frame(Frame frame) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            FrameEncoder.encode(frame, buffer, Frame.DEFAULT_MAX_FRAME_LENGTH);
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            return bytes;
        } finally {
            buffer.release();
        }
    }
}
