package io.swivel.client.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.swivel.client.SwivelException;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed connection to a server: sends requests, matches responses by request id,
 * fails each call at its deadline, and fails every pending call when the connection closes.
 * Deadlines cost one timer per connection, not one per call: it is armed for the earliest
 * deadline of the calls waiting (a call whose deadline is later than the armed one's touches no
 * timer), and when it fires it fails the calls that are due and is armed again for the next one.
 * A connection that has written or read nothing for a heartbeat is pinged; one that hears nothing for three heartbeats is closed, so
 * a dead peer is noticed in seconds. After the server's {@code GOAWAY} it takes no new calls.
 *
 * <p>Bounded: at most {@code maxInFlight} calls wait on it (sent or not); one more fails at once
 * with a {@link ServerEndpoint.ConnectFailedException} (it never left, so it may go elsewhere).
 * While the channel is not writable (its outbound buffer passed the high water mark: the server
 * reads slowly or not at all) a call waits, unsent, in order, until the buffer drains or its
 * deadline passes; it then fails saying it could not be sent.
 */
final class Connection extends SimpleChannelInboundHandler<Frame> {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int SILENT_HEARTBEATS_TO_CLOSE = 3;
    /**
     * Sweeps follow each other at least this far apart, so that calls with deadlines close together
     * cost one sweep, not one each: a call may fail up to this much after its deadline, never before.
     */
    private static final long MIN_SWEEP_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final String remote;
    private final int maxInFlight;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Calls waiting for the channel to become writable, in order; event loop only. */
    private final Map<Long, Pending> unsent = new LinkedHashMap<>();
    /** Heartbeats in a row without a read; event loop only. */
    private int silentHeartbeats;
    private volatile Channel channel;
    private volatile boolean goingAway;
    private volatile String closeReason;
    /** True when the connection ended in a TLS failure: its calls were never served. */
    private volatile boolean tlsRefused;
    /** Set at the first frame read; event loop only. */
    private boolean heardFromServer;
    /** The connection's one deadline timer, or null when none is armed; event loop only. */
    private ScheduledFuture<?> sweep;
    /** When the armed {@link #sweep} runs ({@link System#nanoTime}); event loop only. */
    private long sweepAtNanos;
    private final Runnable sweepTask = this::sweep;
    /** The one listener of every request's write. */
    private final ChannelFutureListener writeDone = this::writeDone;

    Connection(String remote, int maxInFlight) {
        this.remote = remote;
        this.maxInFlight = maxInFlight;
    }

    boolean isUsable() {
        Channel ch = channel;
        return ch != null && ch.isActive() && !goingAway;
    }

    boolean isGoingAway() {
        return goingAway;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /**
     * Sends a request; the listener gets the response, or the failure at the deadline or when the
     * connection closes (at once, on this thread, if the call cannot be sent at all).
     */
    void send(String service, String methodKey, String versionConstraint, long timeoutMillis,
              java.util.Map<String, String> metadata, byte[] body, AnswerListener result) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            String reason = closeReason;
            result.answered(null, new ServerEndpoint.ConnectFailedException(remote,
                    reason != null ? reason : "connection to " + remote + " is closed", null));
            return;
        }
        if (pending.size() >= maxInFlight) {
            result.answered(null, new ServerEndpoint.ConnectFailedException(remote, service + "#" + methodKey
                    + " not sent: " + maxInFlight + " calls already wait on the connection to " + remote
                    + " (the client's maxInFlightPerConnection)", null));
            return;
        }
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long id = nextId.incrementAndGet();
        int wireTimeout = (int) Math.min(Integer.MAX_VALUE, timeoutMillis);
        RequestFrame request = new RequestFrame(id, service, methodKey, versionConstraint, wireTimeout, metadata, body);
        Pending call = new Pending(id, result, request, timeoutMillis, deadlineNanos);
        pending.put(id, call);
        // One task on the event loop per call: it arms the deadline and writes. Flushes of
        // several calls are merged by the pipeline's FlushConsolidationHandler.
        EventLoop loop = ch.eventLoop();
        Runnable write = () -> {
            if (pending.get(id) != call) {
                return; // failed already: the connection closed before the call got its turn
            }
            // The deadline counts from the call, not from when the busy event loop got to it.
            armSweep(loop, deadlineNanos);
            if (unsent.isEmpty() && ch.isWritable()) {
                write(ch, call);
            } else {
                unsent.put(id, call); // sent in order once the outbound buffer drains (channelWritabilityChanged)
            }
        };
        if (loop.inEventLoop()) {
            write.run();
        } else {
            try {
                loop.execute(write);
            } catch (RejectedExecutionException e) {
                fail(id, new ServerEndpoint.ConnectFailedException(remote, "connection to " + remote + " is closed", e));
            }
        }
    }

    private void write(Channel ch, Pending call) {
        RequestFrame request = call.request;
        call.request = null;
        ch.writeAndFlush(request, new RequestWrite(ch, call)).addListener(writeDone);
    }

    /** Fails a call whose request could not be written: it never left. */
    private void writeDone(io.netty.channel.ChannelFuture done) {
        if (!done.isSuccess() && done instanceof RequestWrite write) {
            Pending call = write.call;
            fail(call.id, new ServerEndpoint.ConnectFailedException(remote, "cannot send " + call.service + "#"
                    + call.methodKey + " to " + remote + ": " + done.cause(), done.cause()));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        var waiting = unsent.entrySet().iterator();
        while (ch.isWritable() && waiting.hasNext()) {
            Map.Entry<Long, Pending> next = waiting.next();
            waiting.remove();
            if (pending.get(next.getKey()) == next.getValue()) {
                write(ch, next.getValue());
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    /** @return calls waiting on this connection, sent or not */
    int inFlight() {
        return pending.size();
    }

    /** Makes sure a sweep runs by {@code deadlineNanos}: arms the timer if none is, or if it is armed later. Event loop only. */
    private void armSweep(EventLoop loop, long deadlineNanos) {
        ScheduledFuture<?> armed = sweep;
        if (armed != null) {
            if (deadlineNanos - sweepAtNanos >= 0) {
                return;
            }
            armed.cancel(false);
        }
        sweepAtNanos = deadlineNanos;
        sweep = loop.schedule(sweepTask, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * The timer fired: fails the calls whose deadline passed and arms it again for the earliest
     * deadline left. It looks at every call waiting (at most {@code maxInFlight}), and runs at most
     * once per {@link #MIN_SWEEP_GAP_NANOS} unless a call with an earlier deadline arms it sooner.
     */
    private void sweep() {
        sweep = null;
        long now = System.nanoTime();
        boolean waiting = false;
        long next = 0;
        for (Pending call : pending.values()) {
            if (call.deadlineNanos - now <= 0) {
                try {
                    expire(call);
                } catch (RuntimeException e) {
                    // a listener of that call failed; the other calls still expire, and the sweep re-arms
                    log.warn("the expiry of a call to {} failed in its listener", remote, e);
                }
            } else if (!waiting || call.deadlineNanos - next < 0) {
                next = call.deadlineNanos;
                waiting = true;
            }
        }
        Channel ch = channel;
        if (waiting && ch != null) {
            long earliestSweep = now + MIN_SWEEP_GAP_NANOS;
            armSweep(ch.eventLoop(), next - earliestSweep < 0 ? earliestSweep : next);
        }
    }

    private void expire(Pending expired) {
        if (!pending.remove(expired.id, expired)) {
            return; // answered or failed meanwhile
        }
        String call = expired.service + "#" + expired.methodKey;
        if (unsent.remove(expired.id) != null) {
            Channel ch = channel;
            expired.listener.answered(null, new SwivelException(Status.DEADLINE_EXCEEDED,
                    call + " could not be sent to " + remote + " within " + expired.timeoutMillis
                            + " ms: the connection's outbound buffer is full (" + (ch != null ? ch.bytesBeforeWritable() : 0)
                            + " bytes over its low water mark), the server reads slowly or not at all", null));
        } else {
            expired.listener.answered(null, new SwivelException(Status.DEADLINE_EXCEEDED,
                    call + " got no answer from " + remote + " within " + expired.timeoutMillis + " ms", null));
        }
    }

    private void fail(long id, Throwable cause) {
        Pending failed = pending.remove(id);
        if (failed != null) {
            failed.listener.answered(null, cause);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        heardFromServer = true;
        if (frame instanceof ResponseFrame response) {
            Pending call = pending.remove(response.requestId());
            if (call != null) {
                call.listener.answered(response, null);
            }
        } else if (frame instanceof ControlFrame control) {
            if (control.type() == FrameType.PING) {
                ctx.writeAndFlush(new ControlFrame(FrameType.PONG, control.requestId(), ""));
            } else if (control.type() == FrameType.GOAWAY) {
                goingAway = true;
                closeReason = "connection to " + remote + " closed after the server's GOAWAY (" + control.text() + ")";
                log.info("{} is going away: {}", remote, control.text());
            }
            // PONG: any frame read proves the peer alive
        } else {
            log.warn("unexpected {} from {}; closing the connection", frame.type(), remote);
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                // One event per heartbeat without a read (the first after a read says so). Ping on
                // each, even while requests are being written: calls that all take longer than
                // three heartbeats must not look like a dead server to a client that keeps writing.
                silentHeartbeats = idle.isFirst() ? 1 : silentHeartbeats + 1;
                if (silentHeartbeats < SILENT_HEARTBEATS_TO_CLOSE) {
                    ctx.writeAndFlush(new ControlFrame(FrameType.PING, 0, ""));
                    return;
                }
                log.warn("{} did not answer for {} ms; closing the connection", remote, silentMillis(ctx));
                closeReason = "connection to " + remote + " closed: the server sent nothing for "
                        + silentMillis(ctx) + " ms (three heartbeats)";
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new ControlFrame(FrameType.PING, 0, ""));
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    private static long silentMillis(ChannelHandlerContext ctx) {
        io.netty.handler.timeout.IdleStateHandler handler = ctx.pipeline().get(io.netty.handler.timeout.IdleStateHandler.class);
        return handler != null ? SILENT_HEARTBEATS_TO_CLOSE * handler.getReaderIdleTimeInMillis() : -1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        unsent.clear();
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
        String reason = closeReason;
        failAll(reason != null ? reason : "connection to " + remote + " closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (TlsErrors.isTls(cause)) {
            // With TLS 1.3 a server's refusal of the client certificate arrives after the client's
            // handshake is done: the alert closes the connection, and the calls on it fail saying why.
            String why = TlsErrors.describe(ctx.channel(), remote, cause);
            if (closeReason == null) {
                closeReason = "connection to " + remote + " closed: " + why;
                // Before any frame came back, a TLS failure is the server's refusal of this client
                // (its certificate): no call of this connection reached the server, safe to send elsewhere.
                tlsRefused = !heardFromServer;
            }
            log.warn("{}; closing the connection", why);
        } else if (cause instanceof java.io.IOException) {
            // an expected fault (a reset, a server gone): one line; the stack only at debug
            log.warn("connection to {} failed: {}; closing it", remote, cause.toString());
            log.debug("connection to {} failed", remote, cause);
        } else {
            log.warn("connection to {} failed: {}; closing it", remote, cause.toString(), cause);
        }
        ctx.close();
    }

    void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        failAll("client closed");
    }

    private void failAll(String reason) {
        for (Long id : pending.keySet()) {
            Pending call = pending.remove(id);
            if (call != null) {
                call.listener.answered(null, tlsRefused
                        ? new ServerEndpoint.ConnectFailedException(remote, reason, null)
                        : new SwivelException(null, reason + " before the answer came", null));
            }
        }
    }

    /** The promise of one request's write: it names its call, so that one listener serves all of them. */
    private static final class RequestWrite extends DefaultChannelPromise {

        final Pending call;

        RequestWrite(Channel channel, Pending call) {
            super(channel);
            this.call = call;
        }
    }

    /** A call sent and not answered yet, with its deadline ({@link System#nanoTime}). */
    private static final class Pending {

        final long id;
        final AnswerListener listener;
        final String service;
        final String methodKey;
        final long timeoutMillis;
        final long deadlineNanos;
        /** The request until it is written; event loop only. */
        RequestFrame request;

        Pending(long id, AnswerListener listener, RequestFrame request, long timeoutMillis, long deadlineNanos) {
            this.id = id;
            this.listener = listener;
            this.service = request.service();
            this.methodKey = request.methodKey();
            this.timeoutMillis = timeoutMillis;
            this.deadlineNanos = deadlineNanos;
            this.request = request;
        }
    }
}
