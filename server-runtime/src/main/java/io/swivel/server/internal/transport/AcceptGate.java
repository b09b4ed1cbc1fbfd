package io.swivel.server.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Guards the listening socket: stops accepting (autoRead off) while as many sockets are open as
 * the connection limits allow ({@code maxSockets}: the connections served plus a few being refused)
 * or while the process's file descriptors are within their reserve of the limit, so the admin API,
 * the deploy watcher and ZooKeeper always have descriptors left; new peers wait in the listen
 * backlog meanwhile. A failed {@code accept} (EMFILE and the like) pauses accepting for a second,
 * counted and logged once per minute, instead of spinning. Sits in the server channel's pipeline,
 * ahead of Netty's acceptor; its state is confined to the accepting event loop, but the open count.
 */
final class AcceptGate extends ChannelInboundHandlerAdapter {

    /** How long accepting pauses after a failed accept, and between checks while paused. */
    static final long PAUSE_MILLIS = 1000;
    /** The shortest time between two counts of the open file descriptors. */
    static final long FD_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int maxSockets;
    private final FileDescriptors fds;
    private final long fdCeiling;
    private final TransportEvents events;
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicBoolean recheckQueued = new AtomicBoolean();
    private ChannelHandlerContext ctx;
    private volatile boolean paused;
    private long openAtCheck;
    private int liveAtCheck;
    private long lastCheckNanos;
    /** The recheck scheduled while paused; one at a time. */
    private io.netty.util.concurrent.ScheduledFuture<?> timer;

    AcceptGate(int maxSockets, FileDescriptors fds, TransportEvents events) {
        this.maxSockets = maxSockets;
        this.fds = fds;
        long max = fds.max();
        this.fdCeiling = max > 0 ? max - FileDescriptors.reserve(max) : Long.MAX_VALUE;
        this.events = events;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastCheckNanos = System.nanoTime() - FD_CHECK_NANOS;
        openAtCheck = fds.open();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            live.incrementAndGet();
            child.closeFuture().addListener(closed -> {
                live.decrementAndGet();
                if (paused && recheckQueued.compareAndSet(false, true)) {
                    ctx.executor().execute(this::recheck);
                }
            });
        }
        ctx.fireChannelRead(msg);
        Refusal full = full();
        if (full != null) {
            pause(full);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            events.acceptPaused(Refusal.ACCEPT_ERROR, "accepting swivel/1 connections failed (" + cause
                    + "); accepting again in " + PAUSE_MILLIS + " ms");
            armTimer();
        }
    }

    private void armTimer() {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                timer = null;
                recheck();
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** @return why no more sockets may be accepted now, or null if they may */
    private Refusal full() {
        int now = live.get();
        if (now >= maxSockets) {
            return Refusal.MAX_SOCKETS;
        }
        if (fdCeiling == Long.MAX_VALUE) {
            return null;
        }
        long estimate = openAtCheck + (now - liveAtCheck);
        long time = System.nanoTime();
        if (estimate >= fdCeiling - 16 && time - lastCheckNanos >= FD_CHECK_NANOS) {
            openAtCheck = fds.open();
            liveAtCheck = now;
            lastCheckNanos = time;
            estimate = openAtCheck;
        }
        return estimate >= fdCeiling ? Refusal.FD_RESERVE : null;
    }

    private void pause(Refusal refusal) {
        if (paused) {
            return;
        }
        paused = true;
        ctx.channel().config().setAutoRead(false);
        events.acceptPaused(refusal, refusal == Refusal.MAX_SOCKETS
                ? "stopped accepting swivel/1 connections: " + live.get() + " sockets open, as many as the connection"
                        + " limits allow (--max-connections); accepting again as they close"
                : "stopped accepting swivel/1 connections: about " + (openAtCheck + live.get() - liveAtCheck)
                        + " file descriptors open, within the reserve of the process limit " + fds.max()
                        + " (ulimit -n); accepting again when some close");
        armTimer();
    }

    private void recheck() {
        recheckQueued.set(false);
        if (!paused || !ctx.channel().isOpen()) {
            return;
        }
        lastCheckNanos = System.nanoTime() - FD_CHECK_NANOS; // count the descriptors afresh
        if (full() == null) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        } else {
            armTimer();
        }
    }

    /** @return the accepted sockets open now, served or being refused */
    int liveSockets() {
        return live.get();
    }
}
