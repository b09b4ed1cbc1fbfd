package io.swivel.server.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.FrameType;
import java.util.concurrent.TimeUnit;

/** Tells a peer why its connection ends ({@code GOAWAY}, request id 0) and closes it. */
final class GoAway {

    /** How long the {@code GOAWAY} may wait to be written before the connection is closed anyway. */
    static final long WRITE_GRACE_MILLIS = 1000;

    private GoAway() {
    }

    /**
     * Writes the {@code GOAWAY} and closes the connection once it is written, or after
     * {@value #WRITE_GRACE_MILLIS} ms if the peer does not read it; reads no more from the peer.
     *
     * @param channel the connection
     * @param reason the frame's text
     */
    static void andClose(Channel channel, String reason) {
        channel.config().setAutoRead(false);
        channel.writeAndFlush(new ControlFrame(FrameType.GOAWAY, 0, reason)).addListener(ChannelFutureListener.CLOSE);
        if (channel.isActive()) {
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, WRITE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
