package io.swivel.server.internal.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is on the other side of a {@code swivel/1} connection, as its TLS handshake proved it:
 * the client certificate of a mutual-TLS connection. For call metadata (the caller's identity).
 */
public final class PeerIdentity {

    private PeerIdentity() {
    }

    /**
     * The verified client certificate of a connection.
     *
     * @param channel the connection
     * @return the certificate; empty on plain TCP, before the handshake ended, or when the client sent none
     */
    public static Optional<X509Certificate> certificate(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return Optional.empty();
        }
        SSLSession session = ssl.engine().getSession();
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? Optional.of(x509) : Optional.empty();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return Optional.empty(); // TLS without a client certificate: no identity, not an error
        }
    }

    /**
     * The subject of the client certificate, in RFC 2253 form ({@code CN=orders,O=Example}).
     *
     * @param channel the connection
     * @return the subject; empty when {@link #certificate} is
     */
    public static Optional<String> subject(Channel channel) {
        return certificate(channel).map(c -> c.getSubjectX500Principal().getName());
    }
}
