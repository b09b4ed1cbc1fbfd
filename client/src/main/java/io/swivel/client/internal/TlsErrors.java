package io.swivel.client.internal;

import io.netty.handler.ssl.NotSslRecordException;
import java.security.cert.CertificateExpiredException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Says in words why TLS with a server failed: the alert the server sent (it wants a client
 * certificate, does not trust ours, finds ours expired) or what this client found wrong with the
 * server (a certificate no trust root signed, one for another host name, no TLS at all).
 */
final class TlsErrors {

    private TlsErrors() {
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
     * @return one line naming the cause, with the original message
     */
    static String describe(String remote, Throwable cause) {
        String text = messages(cause);
        String why;
        if (text.contains("certificate_required") || text.contains("peer_did_not_return_a_certificate")) {
            why = "the server requires a client certificate (mutual TLS) and this client sent none:"
                    + " give it one with ClientTls.keyPair(cert, key)";
        } else if (text.contains("certificate_expired")) {
            why = "the server refused this client's certificate as expired (or not yet valid)";
        } else if (text.contains("unknown_ca") || text.contains("certificate_unknown") || text.contains("bad_certificate")) {
            why = "the server does not trust this client's certificate: it is not signed by the server's --tls-client-ca";
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
