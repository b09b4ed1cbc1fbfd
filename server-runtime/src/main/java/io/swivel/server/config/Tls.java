package io.swivel.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * TLS on the {@code swivel/1} port (and, unless turned off, the admin port): the server's
 * certificate chain and key, the certificate authority whose signature a client certificate must
 * carry for mutual TLS, which TLS implementation to use, and how often the files are checked for
 * a new certificate.
 *
 * @param certFile the PEM certificate chain (the server's first), or null for plain TCP
 * @param keyFile the PEM private key (PKCS#8, unencrypted), or null for plain TCP
 * @param clientCaFile the PEM trust roots for client certificates, or null to ask for none
 * @param provider OpenSSL (BoringSSL, through netty-tcnative) or the JDK's, or whichever loads
 * @param reloadInterval how often the three files are read again; a change is used for new connections
 * @param admin whether the admin API serves HTTPS with the same certificate when TLS is on
 */
public record Tls(Path certFile, Path keyFile, Path clientCaFile, Provider provider, Duration reloadInterval,
                  boolean admin) {

    /** The default time between two checks of the certificate files. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    /** Plain TCP. */
    public static final Tls NONE = new Tls(null, null, null);

    /** Which TLS implementation serves the handshakes. */
    public enum Provider {
        /** OpenSSL when netty-tcnative's native library loads on this machine, else the JDK's. */
        AUTO,
        /** OpenSSL (BoringSSL through netty-tcnative); fails at start if it does not load. */
        OPENSSL,
        /** The JDK's {@code SSLEngine}. */
        JDK
    }

    /**
     * Validates the settings.
     *
     * @param certFile see the record
     * @param keyFile see the record
     * @param clientCaFile see the record
     * @param provider see the record
     * @param reloadInterval see the record
     * @param admin see the record
     */
    public Tls {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("tls: certificate " + certFile + " and key " + keyFile
                    + " (expected: both or neither: --tls-cert and --tls-key)");
        }
        if (clientCaFile != null && certFile == null) {
            throw new IllegalArgumentException("tls: client CA " + clientCaFile
                    + " without a server certificate (--tls-client-ca needs --tls-cert and --tls-key)");
        }
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("tls: reloadInterval: " + reloadInterval + " (expected: > 0)");
        }
    }

    /**
     * TLS with the defaults: any provider, files checked every 10 s, the admin API on HTTPS too.
     *
     * @param certFile see the record
     * @param keyFile see the record
     * @param clientCaFile see the record
     */
    public Tls(Path certFile, Path keyFile, Path clientCaFile) {
        this(certFile, keyFile, clientCaFile, Provider.AUTO, DEFAULT_RELOAD_INTERVAL, true);
    }

    /** @return whether the server speaks TLS */
    public boolean enabled() {
        return certFile != null;
    }

    /** @return whether client certificates signed by {@link #clientCaFile()} are required */
    public boolean mutual() {
        return clientCaFile != null;
    }

    /** @return whether the admin API serves HTTPS */
    public boolean adminEnabled() {
        return enabled() && admin;
    }

    /**
     * @param newProvider the provider
     * @return a copy with it
     */
    public Tls withProvider(Provider newProvider) {
        return new Tls(certFile, keyFile, clientCaFile, newProvider, reloadInterval, admin);
    }

    /**
     * @param interval the time between two checks of the files
     * @return a copy with it
     */
    public Tls withReloadInterval(Duration interval) {
        return new Tls(certFile, keyFile, clientCaFile, provider, interval, admin);
    }

    /**
     * @param https whether the admin API serves HTTPS when TLS is on
     * @return a copy with it
     */
    public Tls withAdmin(boolean https) {
        return new Tls(certFile, keyFile, clientCaFile, provider, reloadInterval, https);
    }
}
