package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection, one request at a time: stops reading while a request is answered (so a
 * client cannot queue work or memory on it), writes the answer whichever thread produced it, then
 * reads the next request under the read timeout again, or closes. A pipelined request (sent before
 * the previous answer) is not answered: the connection closes after the answer in progress.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final AdminRoutes routes;
    private final ReadTimer timer;
    private final Refusals refusals;
    private final ObjectMapper mapper;
    private final boolean overCap;
    private boolean answering;
    private boolean closeAfterAnswer;

    AdminHandler(AdminRoutes routes, ReadTimer timer, Refusals refusals, ObjectMapper mapper, boolean overCap) {
        this.routes = routes;
        this.timer = timer;
        this.refusals = refusals;
        this.mapper = mapper;
        this.overCap = overCap;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (answering) {
            closeAfterAnswer = true;
            return;
        }
        timer.requestArrived();
        answering = true;
        ctx.channel().config().setAutoRead(false);
        if (!request.decoderResult().isSuccess()) {
            badRequest(ctx, request.decoderResult().cause());
            return;
        }
        boolean keepAlive = !overCap && HttpUtil.isKeepAlive(request);
        AdminRequest copy;
        try {
            copy = AdminRequest.of(request, ((InetSocketAddress) ctx.channel().localAddress()).getPort());
        } catch (IllegalArgumentException e) {
            badRequest(ctx, e);
            return;
        }
        CompletableFuture<AdminReply> reply = routes.handle(copy, overCap);
        reply.whenComplete((answer, failure) -> {
            AdminReply last = answer;
            if (failure != null) {
                log.warn("admin request {} {} failed: {}", copy.method(), copy.path(), failure.toString(), failure);
                last = AdminReply.error(500, "INTERNAL", "the server failed: " + failure + " (details in its log)", mapper);
            }
            AdminReply toWrite = last;
            boolean open = failure == null && keepAlive;
            if (ctx.executor().inEventLoop()) {
                write(ctx, toWrite, open);
                return;
            }
            try {
                ctx.executor().execute(() -> write(ctx, toWrite, open));
            } catch (RejectedExecutionException stopping) {
                log.debug("admin answer to {} {} dropped: the admin API is stopping", copy.method(), copy.path());
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) { // the client sent its request and ended its side
            if (answering) {
                closeAfterAnswer = true;
            } else {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** Writes an answer, on the event loop. */
    private void write(ChannelHandlerContext ctx, AdminReply answer, boolean keepAlive) {
        ChannelFuture written = ctx.writeAndFlush(answer.toResponse(keepAlive && !closeAfterAnswer));
        if (!keepAlive || closeAfterAnswer) {
            timer.closeAfter(written);
            return;
        }
        written.addListener(done -> {
            if (!done.isSuccess()) {
                ctx.close();
                return;
            }
            answering = false;
            timer.awaitRequest();
            ctx.channel().config().setAutoRead(true);
        });
    }

    private void badRequest(ChannelHandlerContext ctx, Throwable cause) {
        int status = cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        String message = cause instanceof TooLongFrameException ? cause.getMessage()
                : "not a valid HTTP request: " + cause.getMessage();
        refusals.refused(Refusals.Cause.BAD_REQUEST, "from " + ctx.channel().remoteAddress() + ": " + message
                + "; answered " + status);
        write(ctx, AdminReply.error(status, "BAD_REQUEST", message, mapper), false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WriteTimeoutException) {
            refusals.refused(Refusals.Cause.WRITE_TIMEOUT, "an answer to " + ctx.channel().remoteAddress()
                    + " was not taken within --admin-read-timeout; closed");
        } else if (cause instanceof DecoderException && (cause.getCause() instanceof NotSslRecordException
                || cause.getCause() instanceof javax.net.ssl.SSLException)) {
            refusals.refused(Refusals.Cause.TLS, "the TLS handshake with " + ctx.channel().remoteAddress() + " failed ("
                    + cause.getCause().getMessage() + (cause.getCause() instanceof NotSslRecordException
                    ? ": plain HTTP to the HTTPS admin port? the CLI needs --tls-ca" : "") + "); closed");
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            log.debug("admin connection {} ended: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        }
        ctx.close();
    }
}
