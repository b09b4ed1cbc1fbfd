package io.swivel.server.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.swivel.server.config.Tls;
import io.swivel.server.internal.tls.ClientCertificateTrust;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Reports a failed TLS handshake of a {@code swivel/1} connection once, with its cause in words
 * (no client certificate, one not signed by {@code --tls-client-ca}, an expired one, a client that
 * does not speak TLS), counted per cause and logged at most once a minute per cause. Netty's
 * {@code SslHandler} closes the connection and tells the client with a TLS alert.
 */
final class TlsHandshakeGuard extends ChannelInboundHandlerAdapter {

    private final TransportEvents events;
    private final Tls settings;
    private boolean reported;

    TlsHandshakeGuard(TransportEvents events, Tls settings) {
        this.events = events;
        this.settings = settings;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                report(ctx, done.cause());
            } else {
                ctx.pipeline().remove(this); // nothing more to watch on this connection
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException
                || cause instanceof NotSslRecordException || cause.getCause() instanceof NotSslRecordException) {
            report(ctx, cause); // the handshake's own failure, already or soon reported by the event
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void report(ChannelHandlerContext ctx, Throwable cause) {
        if (reported) {
            return;
        }
        reported = true;
        Refusal refusal = classify(cause);
        events.refused(refusal, "refused a TLS connection from " + ctx.channel().remoteAddress() + ": "
                + explain(refusal, cause));
    }

    /**
     * What a handshake failure means.
     *
     * @param cause the failure as the SslHandler reports it
     * @return its cause
     */
    static Refusal classify(Throwable cause) {
        String named = namedRefusal(cause);
        if (named != null) {
            return named.contains(" is not signed by ") ? Refusal.TLS_UNTRUSTED_CLIENT_CERTIFICATE
                    : Refusal.TLS_EXPIRED_CLIENT_CERTIFICATE;
        }
        for (Throwable at = cause; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof NotSslRecordException) {
                return Refusal.TLS_NOT_TLS;
            }
            if (at instanceof CertificateExpiredException || at instanceof CertificateNotYetValidException
                    || at instanceof CertPathValidatorException path && path.getReason()
                    == CertPathValidatorException.BasicReason.EXPIRED) {
                return Refusal.TLS_EXPIRED_CLIENT_CERTIFICATE;
            }
        }
        String text = messages(cause);
        if (text.contains("empty client certificate chain") || text.contains("peer_did_not_return_a_certificate")
                || text.contains("certificate_required") || text.contains("no client certificate")) {
            return Refusal.TLS_NO_CLIENT_CERTIFICATE;
        }
        if (text.contains("expired") || text.contains("notafter")) {
            return Refusal.TLS_EXPIRED_CLIENT_CERTIFICATE;
        }
        if (text.contains("unable to find valid certification path") || text.contains("certificate_verify_failed")
                || text.contains("signature check failed") || text.contains("no trusted certificate")
                || text.contains("certpathbuilder") || text.contains("path validation failed")) {
            return Refusal.TLS_UNTRUSTED_CLIENT_CERTIFICATE;
        }
        return Refusal.TLS_HANDSHAKE;
    }

    /**
     * The message of the client-certificate check's refusal (subject, issuer, dates) somewhere in
     * the failure's causes or suppressed exceptions, or null.
     */
    private static String namedRefusal(Throwable cause) {
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        todo.add(cause);
        while (!todo.isEmpty()) {
            Throwable at = todo.poll();
            if (!seen.add(at)) {
                continue;
            }
            if (at.getMessage() != null && at.getMessage().startsWith(ClientCertificateTrust.PREFIX)) {
                return at.getMessage();
            }
            if (at.getCause() != null) {
                todo.add(at.getCause());
            }
            todo.addAll(java.util.List.of(at.getSuppressed()));
        }
        return null;
    }

    private String explain(Refusal refusal, Throwable cause) {
        String named = namedRefusal(cause);
        if (named != null) {
            return "its " + named;
        }
        String ca = settings.clientCaFile() != null ? settings.clientCaFile().toAbsolutePath().normalize().toString() : "";
        return switch (refusal) {
            case TLS_NO_CLIENT_CERTIFICATE -> "it sent no client certificate; --tls-client-ca " + ca
                    + " requires one signed by that authority";
            case TLS_UNTRUSTED_CLIENT_CERTIFICATE -> "its client certificate is not signed by --tls-client-ca " + ca
                    + " (" + innermost(cause) + ")";
            case TLS_EXPIRED_CLIENT_CERTIFICATE -> "its client certificate has expired or is not valid yet ("
                    + innermost(cause) + ")";
            case TLS_NOT_TLS -> "it does not speak TLS (a plain-TCP client on this TLS port? give the client"
                    + " builder().tls(...))";
            default -> "the TLS handshake failed (" + innermost(cause) + ")";
        };
    }

    private static String messages(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable at = cause; at != null; at = at.getCause() == at ? null : at.getCause()) {
            text.append(at.getClass().getSimpleName()).append(": ").append(at.getMessage()).append(" | ");
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }

    private static String innermost(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
