package io.swivel.client.internal;

import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.AttributeKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Says in words why TLS with a server failed: the alert the server sent (it wants a client
 * certificate, does not trust ours, finds ours expired) or what this client found wrong with the
 * server (a certificate no trust root signed, one for another host name, no TLS at all).
 */
final class TlsErrors {

    /** The certificate a connection's client presents, if any: a server's refusal then is a refusal of it. */
    static final AttributeKey<X509Certificate> CLIENT_CERTIFICATE = AttributeKey.valueOf("swivel.tls.clientCertificate");

    private TlsErrors() {
    }

    /**
     * @param channel the connection
     * @param cause a TLS failure on it
     * @return one line naming the cause, with the original message
     */
    static String describe(Channel channel, String remote, Throwable cause) {
        return describe(remote, cause, channel.attr(CLIENT_CERTIFICATE).get());
    }

    /**
     * @param cause anything a connection failed with
     * @return true if it is a TLS failure
     */
    static boolean isTls(Throwable cause) {
        for (Throwable at = cause; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof SSLException || at instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param remote {@code host:port}
     * @param cause a TLS failure
     * @param ours the certificate this client sent, or null
     * @return one line naming the cause, with the original message
     */
    static String describe(String remote, Throwable cause, X509Certificate ours) {
        String text = messages(cause);
        String why;
        boolean refusedCertificate = text.contains("certificate_required") || text.contains("unknown_ca")
                || text.contains("certificate_unknown") || text.contains("bad_certificate")
                || text.contains("peer_did_not_return_a_certificate");
        if (refusedCertificate && ours == null) {
            why = "the server requires a client certificate (mutual TLS) and this client sent none:"
                    + " give it one with ClientTls.keyPair(cert, key)";
        } else if ((refusedCertificate || text.contains("certificate_expired")) && !isValidNow(ours)) {
            why = "the server refused this client's certificate '" + ours.getSubjectX500Principal().getName()
                    + "': it is valid only from " + ours.getNotBefore().toInstant() + " to " + ours.getNotAfter().toInstant()
                    + " (expired or not yet valid)";
        } else if (text.contains("certificate_expired")) {
            why = "the server refused this client's certificate as expired (or not yet valid)";
        } else if (refusedCertificate) {
            why = "the server does not trust this client's certificate '" + ours.getSubjectX500Principal().getName()
                    + "' (issuer '" + ours.getIssuerX500Principal().getName() + "'): it is not signed by the server's"
                    + " --tls-client-ca";
        } else if (hasExpired(cause)) {
            why = "the server's certificate has expired (or is not yet valid)";
        } else if (text.contains("no subject alternative") || text.contains("hostname") || text.contains("host name")) {
            why = "the server's certificate does not name " + host(remote) + " (host name verification)";
        } else if (text.contains("unable to find valid certification path") || text.contains("certificate_verify_failed")
                || text.contains("path building failed") || text.contains("path validation failed")) {
            why = "this client does not trust the server's certificate: no trust root of ClientTls.trusting(...) signed it";
        } else if (text.contains("not an ssl/tls record") || text.contains("notsslrecord") || text.contains("wrong_version_number")
                || text.contains("unsupported or unrecognized ssl message") || text.contains("http_request")) {
            why = "the server does not speak TLS on this port (plain TCP?)";
        } else {
            why = "the TLS handshake failed";
        }
        return "TLS with " + remote + " failed: " + why + " (" + innermost(cause) + ")";
    }

    private static boolean isValidNow(X509Certificate certificate) {
        try {
            certificate.checkValidity();
            return true;
        } catch (java.security.cert.CertificateException invalid) {
            return false; // expired or not yet valid: what the caller reports
        }
    }

    private static boolean hasExpired(Throwable cause) {
        for (Throwable at = cause; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof CertificateExpiredException) {
                return true;
            }
        }
        return false;
    }

    private static String host(String remote) {
        int colon = remote.lastIndexOf(':');
        return colon > 0 ? remote.substring(0, colon) : remote;
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
