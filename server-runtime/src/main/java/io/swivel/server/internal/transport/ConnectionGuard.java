package io.swivel.server.internal.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.RequestFrame;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection within its bounds. It stops reading the connection (autoRead off, and the
 * {@link FrameDecoder} paused so no frame already buffered is decoded) while its outbound buffer
 * is above the high water mark or while {@code maxInFlight} of its calls run, and reads again once
 * the buffer drains below the low mark and the calls in flight fall to half the cap: nothing is
 * dropped. It closes the connection with {@code GOAWAY} when it sends no frame for the idle timeout
 * (calls in flight count as activity) or when a frame that began does not arrive complete within
 * the frame timeout. One timer of each kind per connection, re-armed from its last deadline, so a
 * busy connection schedules nothing per frame.
 *
 * <p>State is confined to the event loop, except the in-flight count, which {@link #callDone()}
 * lowers from the bundle's threads.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    /** The bounds of one connection. */
    record Settings(int maxInFlight, Duration idleTimeout, Duration frameTimeout) {
    }

    private static final int WRITE = 1;
    private static final int CALLS = 2;

    private final FrameDecoder decoder;
    private final int maxInFlight;
    private final int resumeInFlight;
    private final long idleNanos;
    private final long frameNanos;
    private final Settings settings;
    private final TransportEvents events;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean resumeQueued = new AtomicBoolean();
    private volatile boolean pausedForCalls;
    private ChannelHandlerContext ctx;
    private int pauses;
    private boolean sawFrame;
    private long lastFrameNanos;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> frameTimer;
    private boolean closing;

    ConnectionGuard(FrameDecoder decoder, Settings settings, TransportEvents events) {
        this.decoder = decoder;
        this.settings = settings;
        this.maxInFlight = settings.maxInFlight();
        this.resumeInFlight = settings.maxInFlight() / 2;
        this.idleNanos = settings.idleTimeout().toNanos();
        this.frameNanos = settings.frameTimeout().toNanos();
        this.events = events;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    private void start() {
        if (idleTimer == null && !closing) {
            lastFrameNanos = ctx.executor().ticker().nanoTime();
            idleTimer = ctx.executor().schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        sawFrame = true;
        if (msg instanceof RequestFrame && inFlight.incrementAndGet() >= maxInFlight) {
            pausedForCalls = true;
            pause(CALLS, Refusal.IN_FLIGHT);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (sawFrame) {
            sawFrame = false;
            lastFrameNanos = ctx.executor().ticker().nanoTime();
        }
        if (frameTimer == null && decoder.partialSinceNanos() != 0 && !closing) {
            frameTimer = ctx.executor().schedule(this::checkFrame, frameNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            pause(WRITE, Refusal.WRITE_BUFFER);
        } else if ((pauses & WRITE) != 0) {
            // Resumed in a task of its own: this event may arrive while the decoder is decoding.
            ctx.executor().execute(() -> unpause(WRITE));
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** One call of this connection was answered (any thread). */
    void callDone() {
        int left = inFlight.decrementAndGet();
        if (pausedForCalls && left <= resumeInFlight && resumeQueued.compareAndSet(false, true)) {
            try {
                ctx.executor().execute(() -> {
                    resumeQueued.set(false);
                    if (inFlight.get() <= resumeInFlight) {
                        pausedForCalls = false;
                        unpause(CALLS);
                    }
                });
            } catch (RejectedExecutionException e) {
                // The event loop has shut down with the server: the connection is closed, nothing to resume.
                log.debug("not resuming {}: its event loop is shut down", ctx.channel(), e);
            }
        }
    }

    /** @return the calls of this connection running or queued now */
    int inFlight() {
        return inFlight.get();
    }

    /** @return true while the connection is not read */
    boolean isPaused() {
        return pauses != 0;
    }

    /**
     * Stops reading for one more reason. Each reason is reported when it starts holding the
     * connection, also when another already holds it: a connection paused for its calls whose
     * answers then fill the write buffer is counted under both.
     */
    private void pause(int reason, Refusal refusal) {
        if ((pauses & reason) != 0) {
            return;
        }
        if (pauses == 0) {
            ctx.channel().config().setAutoRead(false);
            decoder.pause();
        }
        pauses |= reason;
        events.readsPaused(refusal, describe(refusal));
    }

    private void unpause(int reason) {
        if ((pauses & reason) == 0) {
            return;
        }
        if (reason == WRITE && !ctx.channel().isWritable()) {
            return; // unwritable again since the event
        }
        pauses &= ~reason;
        if (pauses == 0 && !closing) {
            decoder.resume(); // decodes what waited; may pause again
            if (pauses == 0) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    private String describe(Refusal refusal) {
        return "stopped reading the connection from " + ctx.channel().remoteAddress() + ": " + (refusal == Refusal.IN_FLIGHT
                ? maxInFlight + " of its calls are running (--max-in-flight-per-connection " + maxInFlight + ")"
                : "its answers are not read, more than the outbound buffer's limit is queued (--write-buffer-limit)") + "; it is read again as it drains";
    }

    private void checkIdle() {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        if (inFlight.get() > 0) {
            lastFrameNanos = now; // waiting for our answers is not idleness
        }
        long idle = now - lastFrameNanos;
        if (idle >= idleNanos) {
            refuse(Refusal.IDLE_TIMEOUT, "idle timeout: no frame for " + millis(idle) + " ms (--idle-timeout "
                    + settings.idleTimeout() + "); reconnect when there is something to send");
            return;
        }
        idleTimer = ctx.executor().schedule(this::checkIdle, idleNanos - idle, TimeUnit.NANOSECONDS);
    }

    private void checkFrame() {
        frameTimer = null;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        long since = decoder.partialSinceNanos();
        if (since == 0) {
            return; // the frame completed; armed again by the next partial one
        }
        long late = ctx.executor().ticker().nanoTime() - since;
        if (late >= frameNanos) {
            long claimed = decoder.claimedLength();
            refuse(Refusal.FRAME_TIMEOUT, "frame timeout: a frame" + (claimed >= 0 ? " of " + claimed + " bytes" : "")
                    + " began " + millis(late) + " ms ago and " + decoder.partialBytes() + " bytes of it arrived"
                    + " (--frame-timeout " + settings.frameTimeout() + ")");
            return;
        }
        frameTimer = ctx.executor().schedule(this::checkFrame, frameNanos - late, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes the connection because of a limit: counts and logs it (rate-limited), tells the peer why
     * in a {@code GOAWAY}, and reads nothing more from it. Event loop only; once per connection.
     *
     * @param refusal the cause
     * @param reason the text of the {@code GOAWAY}
     */
    void refuse(Refusal refusal, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        cancelTimers();
        decoder.pause();
        events.refused(refusal, "closing the connection from " + ctx.channel().remoteAddress() + ": " + reason);
        GoAway.andClose(ctx.channel(), reason);
    }

    /** @return true once {@link #refuse} closed this connection */
    boolean isClosing() {
        return closing;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers();
    }

    private void cancelTimers() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        if (frameTimer != null) {
            frameTimer.cancel(false);
            frameTimer = null;
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
