package io.swivel.server.internal.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The read timeout of one admin connection, first in its pipeline: from the moment the connection
 * waits for a request (it opened, or its last answer was written) the whole request, header and
 * body, must arrive within the timeout. A request that started and did not finish is answered
 * {@code 408} and the connection closed; a connection that sent nothing is closed quietly (an idle
 * keep-alive connection). Unlike an idle timer, a client that dribbles a byte now and then gains
 * nothing. Runs on the connection's event loop only.
 */
final class ReadTimer extends ChannelInboundHandlerAdapter {

    /** How long a connection that is closing reads and drops what its client still sends. */
    static final long LINGER_MILLIS = 2000;

    private final long timeoutNanos;
    private final Refusals refusals;
    private final AdminReply timedOut;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean waiting;
    private boolean started;
    private boolean draining;

    ReadTimer(Duration timeout, Refusals refusals, AdminReply timedOut) {
        this.timeoutNanos = timeout.toNanos();
        this.refusals = refusals;
        this.timedOut = timedOut;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        awaitRequest();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (draining) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (waiting && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            started = true;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Closes after a last answer without losing it: closing a socket whose client is still
     * sending makes the kernel reset the connection, and the client may never read the answer.
     * So the answer is followed by the end of our output, what still arrives is read and dropped
     * for at most {@value #LINGER_MILLIS} ms, and then (or when the client closes) the connection closes.
     *
     * @param written the write of the last answer
     */
    void closeAfter(ChannelFuture written) {
        waiting = false;
        cancel();
        draining = true;
        written.addListener(done -> {
            if (!done.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex)) {
                ctx.close();
                return;
            }
            duplex.shutdownOutput().addListener(shut -> {
                if (!shut.isSuccess()) {
                    ctx.close();
                    return;
                }
                ctx.channel().config().setAutoRead(true);
                timer = ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            });
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (draining && event instanceof ChannelInputShutdownEvent) {
            ctx.close(); // the client ended its side too
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** A whole request arrived: no timeout while the server works on it. */
    void requestArrived() {
        waiting = false;
        cancel();
    }

    /**
     * A request that started may take longer to arrive in full (an upload's body): the timeout
     * restarts from now with this length, and expires like any other, with {@code 408}.
     *
     * @param timeout how long the rest of the request may take
     */
    void allow(Duration timeout) {
        cancel();
        waiting = true;
        started = true;
        long nanos = timeout.toNanos();
        timer = ctx.executor().schedule(() -> expire(nanos), nanos, TimeUnit.NANOSECONDS);
    }

    /** The connection waits for a (next) request: the timeout starts. */
    void awaitRequest() {
        cancel();
        waiting = true;
        started = false;
        timer = ctx.executor().schedule(() -> expire(timeoutNanos), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expire(long timeoutNanos) {
        if (!waiting || !ctx.channel().isActive()) {
            return;
        }
        waiting = false;
        if (!started) {
            ctx.close();
            return;
        }
        refusals.refused(Refusals.Cause.READ_TIMEOUT, "a request from " + ctx.channel().remoteAddress()
                + " did not arrive complete within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                + " ms (" + (timeoutNanos == this.timeoutNanos ? "--admin-read-timeout" : "--upload-timeout")
                + "); answered 408 and closed");
        closeAfter(ctx.channel().writeAndFlush(timedOut.toResponse(false)));
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
