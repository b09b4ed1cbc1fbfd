package io.swivel.server.internal.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/bundles/{name}/jar} on one admin connection: streams the jar a bundle serves,
 * with its SHA-256 in {@value BundleTransfers#SHA256_HEADER}, one chunk read on the transfer
 * executor and written at a time (the next read waits for that write), under one of the
 * transfers' permits; the connection closes after it. Chosen by {@link TransferHandler}.
 */
final class JarDownload {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final BundleTransfers transfers;
    private final ReadTimer timer;

    JarDownload(BundleTransfers transfers, ReadTimer timer) {
        this.transfers = transfers;
        this.timer = timer;
    }

    /** Checks the request's credentials and a permit, then opens and sends the jar. */
    void start(ChannelHandlerContext ctx, HttpRequest request, String bundle) {
        HttpHeaders headers = request.headers();
        timer.requestArrived();
        AdminReply refusal = transfers.refusal(headers.get(HttpHeaderNames.AUTHORIZATION),
                headers.getAll(HttpHeaderNames.COOKIE), headers.get(AdminServer.CSRF_HEADER), BundleTransfers.localPort(ctx), false);
        if (refusal != null) {
            answer(ctx, refusal);
            return;
        }
        if (!transfers.tryStart()) {
            answer(ctx, transfers.busy("a jar download from " + ctx.channel().remoteAddress()));
            return;
        }
        try {
            transfers.executor.execute(() -> openJar(ctx, bundle));
        } catch (RejectedExecutionException stopping) {
            transfers.done();
            ctx.close();
        }
    }

    /** On the transfer executor: finds and opens the jar, then starts the answer. */
    private void openJar(ChannelHandlerContext ctx, String bundle) {
        BundleTransfers.ServedJar jar = transfers.served.apply(bundle).orElse(null);
        if (jar == null) {
            transfers.done();
            BundleTransfers.onLoop(ctx, () -> answer(ctx, AdminReply.error(404, "NOT_FOUND", "no bundle " + bundle + " serves here",
                    transfers.mapper)));
            return;
        }
        FileChannel file;
        long size;
        try {
            file = FileChannel.open(jar.file(), StandardOpenOption.READ);
            size = file.size();
        } catch (IOException e) {
            transfers.done();
            log.warn("cannot open {} for a download of {}: {}", jar.file(), bundle, e.toString(), e);
            BundleTransfers.onLoop(ctx, () -> answer(ctx, AdminReply.error(500, "INTERNAL", "cannot read the jar of " + bundle + " "
                    + jar.version() + ": " + e.getMessage(), transfers.mapper)));
            return;
        }
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/java-archive")
                .set(HttpHeaderNames.CONTENT_LENGTH, size)
                .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + bundle + "-" + jar.version() + ".jar\"")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(BundleTransfers.SHA256_HEADER, jar.sha256())
                .set("X-Swivel-Bundle", bundle)
                .set("X-Swivel-Version", jar.version());
        ctx.writeAndFlush(head).addListener(done -> {
            if (done.isSuccess()) {
                sendChunk(ctx, file, 0, size);
            } else {
                endDownload(ctx, file);
            }
        });
    }

    /** Reads the next chunk on the transfer executor and writes it; the next read waits for that write. */
    private void sendChunk(ChannelHandlerContext ctx, FileChannel file, long position, long size) {
        if (position >= size) {
            timer.closeAfter(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            endDownload(ctx, file);
            return;
        }
        try {
            transfers.executor.execute(() -> {
                int length = (int) Math.min(BundleTransfers.CHUNK, size - position);
                ByteBuf chunk = ctx.alloc().buffer(length);
                try {
                    while (chunk.writerIndex() < length) {
                        if (chunk.writeBytes(file, position + chunk.writerIndex(), length - chunk.writerIndex()) < 0) {
                            throw new IOException("the jar ended at " + (position + chunk.writerIndex())
                                    + " bytes, before its size " + size);
                        }
                    }
                } catch (IOException e) {
                    chunk.release();
                    log.warn("a jar download to {} failed: {}", ctx.channel().remoteAddress(), e.toString(), e);
                    BundleTransfers.onLoop(ctx, () -> {
                        endDownload(ctx, file);
                        ctx.close();
                    });
                    return;
                }
                ctx.writeAndFlush(new DefaultHttpContent(chunk)).addListener(done -> {
                    if (done.isSuccess()) {
                        sendChunk(ctx, file, position + length, size);
                    } else {
                        endDownload(ctx, file);
                        ctx.close();
                    }
                });
            });
        } catch (RejectedExecutionException stopping) {
            endDownload(ctx, file);
            ctx.close();
        }
    }

    private void endDownload(ChannelHandlerContext ctx, FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("cannot close a downloaded jar: {}", e.toString());
        }
        transfers.done();
    }

    /** Writes the one answer of the request and closes the connection after it. */
    private void answer(ChannelHandlerContext ctx, AdminReply reply) {
        timer.closeAfter(ctx.writeAndFlush(reply.toResponse(false)));
    }
}
