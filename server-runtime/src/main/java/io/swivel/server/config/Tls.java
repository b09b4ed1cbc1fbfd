package io.swivel.server.config;

import java.nio.file.Path;

/**
 * TLS on the {@code swivel/1} port (and, when asked, the admin port): the server's certificate
 * chain and key, and the certificate authority whose signature a client certificate must carry
 * for mutual TLS.
 *
 * @param certFile the PEM certificate chain, or null for plain TCP
 * @param keyFile the PEM private key (PKCS#8), or null for plain TCP
 * @param clientCaFile the PEM trust roots for client certificates, or null to ask for none
 */
public record Tls(Path certFile, Path keyFile, Path clientCaFile) {

    /** Plain TCP. */
    public static final Tls NONE = new Tls(null, null, null);

    /**
     * Validates the settings.
     *
     * @param certFile see the record
     * @param keyFile see the record
     * @param clientCaFile see the record
     */
    public Tls {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("tls: certificate " + certFile + " and key " + keyFile
                    + " (expected: both or neither)");
        }
        if (clientCaFile != null && certFile == null) {
            throw new IllegalArgumentException("tls: client CA " + clientCaFile + " without a server certificate");
        }
    }

    /** @return whether the server speaks TLS */
    public boolean enabled() {
        return certFile != null;
    }
}
