package io.swivel.server.internal.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.UploadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jar routes on one admin connection, between the HTTP codec and the body aggregator (which
 * never sees them, so its cap on request bodies stays for every other route): {@code POST /v1/bundles}
 * streams the body chunk by chunk to {@link BundleUpload} on the transfer executor, reading no more
 * from the socket until the chunk in hand is written, and answers once the jar is verified and in
 * the deploy directory; {@code GET /v1/bundles/{name}/jar} is a {@link JarDownload}. Every other
 * request passes on untouched. A jar request's connection closes after its answer.
 */
final class TransferHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private enum State { IDLE, PASSING, RECEIVING, DONE }

    private final BundleTransfers transfers;
    private final ReadTimer timer;
    private State state = State.IDLE;
    /** Event loop only: the upload in progress. */
    private Upload upload;

    TransferHandler(BundleTransfers transfers, ReadTimer timer) {
        this.transfers = transfers;
        this.timer = timer;
    }

    /**
     * One upload. {@code receiving} is touched by the transfer executor only, one chained stage
     * after the other; the counters and {@code tail} by the event loop only.
     */
    private static final class Upload {
        final String sha256;
        /** The announced {@code Content-Length}, or -1 for a chunked body. */
        final long length;
        BundleUpload.Receiving receiving;
        CompletableFuture<Void> tail;
        long received;
        int pending;
        boolean ended;
        final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

        Upload(String sha256, long length) {
            this.sha256 = sha256;
            this.length = length;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && state == State.IDLE && request.decoderResult().isSuccess()) {
            String path = new QueryStringDecoder(request.uri()).path();
            if (request.method().equals(HttpMethod.POST) && path.equals(BundleTransfers.UPLOAD_PATH)) {
                state = State.RECEIVING;
                startUpload(ctx, request);
                release(msg);
                return;
            }
            String bundle = BundleTransfers.jarRouteBundle(path);
            if (bundle != null && request.method().equals(HttpMethod.GET)) {
                state = State.DONE;
                release(msg);
                new JarDownload(transfers, timer).start(ctx, request, bundle);
                return;
            }
        }
        switch (state) {
            case IDLE, PASSING -> {
                if (msg instanceof HttpRequest) {
                    state = State.PASSING;
                }
                if (msg instanceof LastHttpContent) {
                    state = State.IDLE;
                }
                ctx.fireChannelRead(msg);
            }
            case RECEIVING -> {
                if (msg instanceof HttpContent content) {
                    receive(ctx, content);
                } else {
                    release(msg); // a request pipelined behind the upload: not answered, the connection closes after
                }
            }
            case DONE -> release(msg);
        }
    }

    // ---- upload ----------------------------------------------------------------------------

    private void startUpload(ChannelHandlerContext ctx, HttpRequest request) {
        HttpHeaders headers = request.headers();
        AdminReply refusal = transfers.refusal(headers.get(HttpHeaderNames.AUTHORIZATION),
                headers.getAll(HttpHeaderNames.COOKIE), headers.get(AdminServer.CSRF_HEADER), BundleTransfers.localPort(ctx), true);
        if (refusal != null) {
            answer(ctx, refusal);
            return;
        }
        String sha256;
        try {
            sha256 = BundleUpload.checkSha256(headers.get(BundleTransfers.SHA256_HEADER));
        } catch (IllegalArgumentException e) {
            answer(ctx, AdminReply.error(400, "BAD_REQUEST", e.getMessage() + ": send the jar's SHA-256 in the header "
                    + BundleTransfers.SHA256_HEADER + " (swivel deploy does)", transfers.mapper));
            return;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        if (length > transfers.upload.maxBytes()) {
            tooLarge(ctx, length);
            return;
        }
        if (!transfers.tryStart()) {
            answer(ctx, transfers.busy("an upload from " + ctx.channel().remoteAddress()));
            return;
        }
        timer.allow(transfers.uploadTimeout);
        Upload started = new Upload(sha256, length);
        upload = started;
        started.tail = CompletableFuture.runAsync(() -> {
            try {
                started.receiving = transfers.upload.begin();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, transfers.executor);
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void receive(ChannelHandlerContext ctx, HttpContent content) {
        Upload current = upload;
        ByteBuf bytes = content.content();
        current.received += bytes.readableBytes();
        if (current.received > transfers.upload.maxBytes()) {
            release(content);
            abort(current);
            tooLarge(ctx, current.received);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        current.pending++;
        ctx.channel().config().setAutoRead(false);
        CompletableFuture<Void> written = current.tail.thenRunAsync(() -> {
            try {
                for (ByteBuffer buffer : bytes.nioBuffers()) {
                    current.receiving.write(buffer);
                }
            } catch (UploadException | IOException e) {
                throw new CompletionException(e);
            }
        }, transfers.executor);
        written.whenComplete((ok, failure) -> ReferenceCountUtil.release(content));
        current.tail = written;
        if (last) {
            current.ended = true;
            timer.requestArrived();
            CompletableFuture<AdminReply> reply = written.thenApplyAsync(ignored -> {
                try {
                    return transfers.installed(transfers.upload.install(current.receiving.verify(current.sha256)));
                } catch (UploadException e) {
                    log.info("upload from {} refused: {}", ctx.channel().remoteAddress(), e.getMessage());
                    return transfers.refused(e);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, transfers.executor);
            reply.whenComplete((answer, failure) -> BundleTransfers.onLoop(ctx, () -> {
                finish(current);
                if (state == State.RECEIVING) {
                    state = State.DONE;
                    answer(ctx, failure == null ? answer : failed(ctx, failure));
                }
            }));
            return;
        }
        written.whenComplete((ok, failure) -> BundleTransfers.onLoop(ctx, () -> {
            current.pending--;
            if (state != State.RECEIVING) {
                return;
            }
            if (failure != null) {
                abort(current);
                state = State.DONE;
                answer(ctx, failed(ctx, failure));
            } else if (current.pending == 0) {
                ctx.channel().config().setAutoRead(true);
            }
        }));
    }

    private AdminReply failed(ChannelHandlerContext ctx, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof UploadException refused) {
            return transfers.refused(refused);
        }
        log.warn("upload from {} failed: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        return AdminReply.error(500, "INTERNAL", "the upload failed on the server: " + cause.getMessage()
                + " (details in its log); the deploy directory is unchanged", transfers.mapper);
    }

    private void tooLarge(ChannelHandlerContext ctx, long size) {
        UploadException e = BundleUpload.tooLarge(transfers.upload.maxBytes(), size);
        transfers.refusals.refused(Refusals.Cause.BODY_TOO_LARGE, "an upload from " + ctx.channel().remoteAddress()
                + ": " + e.getMessage());
        state = State.DONE;
        answer(ctx, transfers.refused(e));
    }

    /** Gives up an upload: its file is deleted once the chunks queued for it are done. */
    private void abort(Upload current) {
        if (current == null) {
            return;
        }
        upload = null;
        current.tail.whenComplete((ok, failure) -> finish(current));
    }

    /** Closes (and so deletes, unless installed) the upload's file, on the transfer executor; frees its permit once. */
    private void finish(Upload current) {
        if (!current.finished.compareAndSet(false, true)) {
            return;
        }
        Runnable close = () -> {
            if (current.receiving != null) {
                current.receiving.close();
            }
        };
        try {
            transfers.executor.execute(close);
        } catch (RejectedExecutionException stopping) {
            close.run();
        }
        transfers.done();
    }

    /**
     * A client that ends its side (half-close) before its upload's body is complete gets a
     * {@code 400} with the figures at once, rather than waiting for the upload timeout; its file
     * is deleted.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        Upload current = upload;
        if (event instanceof ChannelInputShutdownEvent && current != null && state == State.RECEIVING && !current.ended) {
            String message = "the upload ended after " + current.received + (current.length >= 0
                    ? " of " + current.length + " bytes" : " bytes, before its last chunk")
                    + ": the client closed its side before the body was complete; nothing was stored";
            log.info("upload from {} refused: {}", ctx.channel().remoteAddress(), message);
            abort(current);
            answer(ctx, AdminReply.error(400, "BAD_REQUEST", message, transfers.mapper));
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Upload current = upload;
        if (current != null && state == State.RECEIVING) {
            state = State.DONE;
            if (!current.ended) {
                log.info("upload from {} ended after {} bytes, before its body was complete; discarded",
                        ctx.channel().remoteAddress(), current.received);
                abort(current);
            }
        }
        ctx.fireChannelInactive();
    }

    // ---- shared ----------------------------------------------------------------------------

    /** Writes the one answer of a jar request and closes the connection after it. */
    private void answer(ChannelHandlerContext ctx, AdminReply reply) {
        state = State.DONE;
        timer.closeAfter(ctx.writeAndFlush(reply.toResponse(false)));
    }

    private static void release(Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
