package io.swivel.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a client learns of an exception thrown by a service: the exception's class name,
 * message and stack trace as text. Never a serialized {@link Throwable}: nothing on the
 * client is instantiated from the server's exception classes.
 *
 * <p>Encoded as three strings, each an {@code int32} length and UTF-8 bytes.
 *
 * @param type the binary name of the exception's class
 * @param message the exception's message, or "" when it had none
 * @param remoteStack the server-side stack trace, truncated to {@link #MAX_STACK_CHARS}
 */
public record RemoteError(String type, String message, String remoteStack) {

    /** The most stack text sent for one error. */
    public static final int MAX_STACK_CHARS = 16 * 1024;

    /**
     * Creates a remote error.
     *
     * @param type the exception class name
     * @param message the message
     * @param remoteStack the stack text
     */
    public RemoteError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(remoteStack, "remoteStack");
    }

    /**
     * Describes a throwable.
     *
     * @param error the exception a service threw
     * @return its description
     */
    public static RemoteError of(Throwable error) {
        StringWriter stack = new StringWriter();
        error.printStackTrace(new PrintWriter(stack));
        String text = stack.toString();
        if (text.length() > MAX_STACK_CHARS) {
            text = text.substring(0, MAX_STACK_CHARS) + "\n\t... (truncated)";
        }
        return new RemoteError(error.getClass().getName(), Objects.toString(error.getMessage(), ""), text);
    }

    /**
     * Encodes this error as a response body.
     *
     * @return the bytes
     */
    public byte[] encode() {
        ByteBuf buf = Unpooled.buffer();
        try {
            writeString(buf, type);
            writeString(buf, message);
            writeString(buf, remoteStack);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /**
     * Decodes a response body.
     *
     * @param body the bytes of an {@link Status#APP_ERROR} response
     * @return the error
     * @throws ProtocolException.Malformed if the body is not a valid error
     */
    public static RemoteError decode(byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        return new RemoteError(readString(buf), readString(buf), readString(buf));
    }

    private static void writeString(ByteBuf buf, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buf.writeInt(bytes.length);
        buf.writeBytes(bytes);
    }

    private static String readString(ByteBuf buf) {
        if (buf.readableBytes() < 4) {
            throw new ProtocolException.Malformed("error body truncated");
        }
        int length = buf.readInt();
        if (length < 0 || length > buf.readableBytes()) {
            throw new ProtocolException.Malformed("error body declares a string of " + length
                    + " bytes, " + buf.readableBytes() + " left");
        }
        String value = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
        buf.skipBytes(length);
        return value;
    }
}
