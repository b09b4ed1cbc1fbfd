package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Aggregates a request's body up to {@code --admin-max-body-size} bytes; a larger one (by its
 * {@code Content-Length}, before any of it is read, or as its chunks arrive) is answered
 * {@code 413} with the reason in JSON, and the connection is closed.
 */
final class BodyLimit extends HttpObjectAggregator {

    private final Refusals refusals;
    private final ObjectMapper mapper;

    BodyLimit(int maxBytes, Refusals refusals, ObjectMapper mapper) {
        super(maxBytes);
        this.refusals = refusals;
        this.mapper = mapper;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        String length = oversized.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        String what = oversized instanceof HttpRequest request ? request.method() + " " + request.uri() : "a request";
        String message = "request body larger than " + maxContentLength() + " bytes"
                + (length != null ? " (Content-Length " + length + ")" : "") + "; the limit is --admin-max-body-size";
        refusals.refused(Refusals.Cause.BODY_TOO_LARGE, what + " from " + ctx.channel().remoteAddress() + ": " + message);
        ctx.pipeline().get(ReadTimer.class).closeAfter(
                ctx.writeAndFlush(AdminReply.error(413, "BAD_REQUEST", message, mapper).toResponse(false)));
    }
}
