package io.swivel.server.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.FrameMemoryException;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.RemoteError;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.SerializationException;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ArgsDecoder;
import io.swivel.server.internal.dispatch.CallBatch;
import io.swivel.server.internal.dispatch.CallSink;
import io.swivel.server.internal.dispatch.Dispatcher;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection: hands each request to the {@link Dispatcher} (which runs it
 * off the event loop) and writes the answer back. A frame that is not valid
 * {@code swivel/1} closes this connection only: the peer is told why in a {@code GOAWAY} frame
 * (request id 0, text {@code "protocol error: ..."}), the reason is logged, and the connection
 * is closed once that frame is written. Every answer is reported to the connection's
 * {@link ConnectionGuard}, which counts the calls in flight.
 */
final class RpcChannelHandler extends SimpleChannelInboundHandler<Frame> {

    private static final Logger log = LoggerFactory.getLogger(RpcChannelHandler.class);

    private final Dispatcher dispatcher;
    private final ConnectionGuard guard;
    private final TransportEvents events;
    private final int maxFrameLength;
    /** The quick calls of the read in progress, handed to the workers together. Event loop only. */
    private final CallBatch batch;
    /** Set once a protocol error is being answered; the connection is closing. Event loop only. */
    private boolean closing;
    private final Runnable submitBatch = this::submitBatch;
    /** Who the peer is, found on the first request (the TLS handshake is done by then). Event loop only. */
    private Peer peer;

    /** The caller's address and TLS identity, the same for every call of the connection. */
    record Peer(InetSocketAddress address, Principal principal) {
    }

    RpcChannelHandler(Dispatcher dispatcher, ConnectionGuard guard, TransportEvents events, int maxFrameLength,
                      int callBatch) {
        this.dispatcher = dispatcher;
        this.guard = guard;
        this.events = events;
        this.maxFrameLength = maxFrameLength;
        this.batch = new CallBatch(callBatch);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batch.submit(); // the read's quick calls go to the workers before anything else this event loop does
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        batch.submit(); // a frame decoded from what came before the close is still answered or dropped as usual
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        batch.submit();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (closing || guard.isClosing()) {
            if (frame instanceof RequestFrame) {
                guard.callDone(); // counted in flight by the guard, never dispatched
            }
            return; // decoded before the connection was refused; not served
        }
        if (frame instanceof RequestFrame request) {
            if (peer == null) {
                peer = peerOf(ctx);
            }
            WireSink sink = new WireSink(ctx.channel(), request, guard, peer, maxFrameLength);
            if (request.refusal() != null) {
                sink.fail(Status.BAD_REQUEST, request.service() + "#" + request.methodKey() + " not run: "
                        + request.refusal() + " (--max-metadata-entries, --max-metadata-bytes)");
                return;
            }
            long deadline = request.timeoutMillis() > 0
                    ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(request.timeoutMillis()) : 0;
            boolean wasEmpty = batch.isEmpty();
            dispatcher.dispatch(request.service(), request.methodKey(), request.versionConstraint(), deadline,
                    ArgsDecoder.keyed(request.body(), (generation, invoker, budget) -> generation.serialization()
                            .decode(request.body(), invoker.genericParameterTypes(), budget)),
                    sink, batch);
            if (wasEmpty && !batch.isEmpty()) {
                // a frame that reached this handler outside a read (no channelReadComplete follows) is not left waiting
                ctx.executor().execute(submitBatch);
            }
        } else if (frame instanceof ControlFrame control) {
            switch (control.type()) {
                case HELLO -> ctx.writeAndFlush(new ControlFrame(FrameType.HELLO, control.requestId(), "swivel/1 server"));
                case PING -> ctx.writeAndFlush(new ControlFrame(FrameType.PONG, control.requestId(), ""));
                default -> { /* PONG and GOAWAY from a client need no answer */ }
            }
        } else {
            protocolError(ctx, "a client sent a " + frame.type() + " frame");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof FrameMemoryException) {
            closing = true;
            guard.refuse(Refusal.PARTIAL_FRAME_MEMORY, cause.getMessage() + " (--max-partial-frame-memory)");
        } else if (cause instanceof DecoderException) {
            protocolError(ctx, cause.getMessage() != null ? cause.getMessage() : cause.toString());
        } else {
            log.warn("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
            ctx.close();
        }
    }

    private void submitBatch() {
        batch.submit();
    }

    private static Peer peerOf(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        Principal principal = null;
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            try {
                principal = ssl.engine().getSession().getPeerPrincipal();
            } catch (SSLPeerUnverifiedException noClientCertificate) {
                principal = null; // TLS without a client certificate: no identity to report
            }
        }
        return new Peer(remote instanceof InetSocketAddress inet ? inet : null, principal);
    }

    /** Tells the peer what was wrong ({@code GOAWAY}), then closes the connection. */
    private void protocolError(ChannelHandlerContext ctx, String reason) {
        if (closing) {
            return; // already answered; the rest of what this peer sent is not read
        }
        closing = true;
        log.warn("closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        events.countRefused(Refusal.PROTOCOL_ERROR);
        ctx.writeAndFlush(new ControlFrame(FrameType.GOAWAY, 0, "protocol error: " + reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Writes the outcome of one request to its connection. */
    static final class WireSink implements CallSink {

        private final Channel channel;
        private final RequestFrame request;
        private final ConnectionGuard guard;
        private final Peer peer;
        private final int maxFrameLength;
        private final AtomicBoolean done = new AtomicBoolean();

        WireSink(Channel channel, RequestFrame request, ConnectionGuard guard, Peer peer, int maxFrameLength) {
            this.channel = channel;
            this.request = request;
            this.guard = guard;
            this.peer = peer;
            this.maxFrameLength = maxFrameLength;
        }

        @Override
        public Map<String, String> metadata() {
            return request.metadata();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return peer.address();
        }

        @Override
        public Principal peerPrincipal() {
            return peer.principal();
        }

        @Override
        public void ok(BundleGeneration generation, Object result) {
            ok(generation, generation.serialization(), result);
        }

        /** Answers {@code result}, encoded by {@code serialization}; {@code generation} names the bundle in the log. */
        void ok(Object generation, SerializationContext serialization, Object result) {
            ByteBuf frame;
            try {
                // encoded into the channel's pooled buffers, header and body, with no byte[] copy of the body
                frame = FrameEncoder.encodeResult(new AnswerAllocator(channel.alloc()), request.requestId(), serialization,
                        result, maxFrameLength);
            } catch (AnswerAllocator.AnswerBufferError e) {
                // the allocator is out of (direct) memory: a failure to send, as when the event loop encoded the
                // answer, not a fatal error of the bundle (an OutOfMemoryError of its value or of Kryo still is)
                log.warn("cannot send the answer to {}#{}: {}", request.service(), request.methodKey(), e.getMessage(), e);
                fail(Status.INTERNAL, "the answer could not be sent: " + e.getMessage());
                return;
            } catch (SerializationException e) {
                log.warn("{}: cannot encode the result of {}: {}", generation, request.methodKey(), e.getMessage(), e);
                fail(Status.INTERNAL, "the server cannot encode the result of " + request.methodKey() + ": " + e.getMessage());
                return;
            } catch (TooLongFrameException e) {
                log.warn("cannot send the answer to {}#{}: {}", request.service(), request.methodKey(), e.getMessage(), e);
                fail(Status.INTERNAL, "the answer could not be sent: " + e.getMessage());
                return;
            }
            release();
            if (!channel.isActive()) {
                frame.release();
                return; // the client is gone; nobody to answer
            }
            channel.writeAndFlush(frame).addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess() && future.channel().isActive()) {
                    log.warn("cannot send the answer to {}#{}: {}", request.service(), request.methodKey(),
                            future.cause().getMessage());
                    future.channel().writeAndFlush(ResponseFrame.message(request.requestId(), Status.INTERNAL,
                            "the answer could not be sent: " + future.cause().getMessage()));
                }
            });
        }

        @Override
        public void appError(Throwable error) {
            write(new ResponseFrame(request.requestId(), Status.APP_ERROR, RemoteError.of(error).encode()));
        }

        @Override
        public void fail(Status status, String message) {
            write(ResponseFrame.message(request.requestId(), status, message));
        }

        @Override
        public boolean callerPresent() {
            return channel.isActive();
        }

        @Override
        public void drop() {
            release();
        }

        /** Gives back the call's in-flight slot, once however many ways the call ends. */
        private void release() {
            if (done.compareAndSet(false, true)) {
                guard.callDone();
            }
        }

        private void write(ResponseFrame response) {
            release();
            if (!channel.isActive()) {
                return; // the client is gone; nobody to answer
            }
            channel.writeAndFlush(response).addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess() && response.status() != Status.INTERNAL && future.channel().isActive()) {
                    log.warn("cannot send the answer to {}#{}: {}", request.service(), request.methodKey(),
                            future.cause().getMessage(), future.cause());
                    future.channel().writeAndFlush(ResponseFrame.message(request.requestId(), Status.INTERNAL,
                            "the answer could not be sent: " + future.cause().getMessage()));
                }
            });
        }
    }
}
