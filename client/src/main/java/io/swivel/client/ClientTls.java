package io.swivel.client;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a client speaks TLS to servers: the trust roots that must have signed a server's
 * certificate, an optional client certificate for mutual TLS, and host name verification (on
 * unless turned off). Immutable; pass it to {@link SwivelClientBuilder#tls(ClientTls)}.
 *
 * <pre>{@code
 * SwivelClient client = SwivelClient.builder()
 *         .address("orders.internal", 7700)
 *         .tls(ClientTls.trusting(Path.of("ca.crt")).keyPair(Path.of("client.crt"), Path.of("client.key")))
 *         .build();
 * }</pre>
 */
public final class ClientTls {

    /** Which TLS implementation makes the handshakes. */
    public enum Provider {
        /** OpenSSL when netty-tcnative's native library loads on this machine, else the JDK's. */
        AUTO,
        /** OpenSSL (BoringSSL through netty-tcnative); building the client fails if it does not load. */
        OPENSSL,
        /** The JDK's {@code SSLEngine}. */
        JDK
    }

    private final Path trustRoots;
    private final Path certificate;
    private final Path privateKey;
    private final boolean verifyHostname;
    private final Provider provider;

    private ClientTls(Path trustRoots, Path certificate, Path privateKey, boolean verifyHostname, Provider provider) {
        this.trustRoots = trustRoots;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.verifyHostname = verifyHostname;
        this.provider = provider;
    }

    /**
     * TLS trusting the certificate authorities in a PEM file (your own CA, say).
     *
     * @param trustRootsPem one or more PEM certificates
     * @return the settings
     */
    public static ClientTls trusting(Path trustRootsPem) {
        return new ClientTls(Objects.requireNonNull(trustRootsPem, "trustRootsPem"), null, null, true, Provider.AUTO);
    }

    /**
     * TLS trusting the JDK's default certificate authorities (its {@code cacerts}), for servers
     * whose certificates a public authority signed.
     *
     * @return the settings
     */
    public static ClientTls systemTrust() {
        return new ClientTls(null, null, null, true, Provider.AUTO);
    }

    /**
     * A copy that presents a client certificate, for servers that require one ({@code --tls-client-ca}).
     *
     * @param certificateChainPem the client's PEM certificate chain, its own first
     * @param privateKeyPem its PEM private key (PKCS#8, unencrypted)
     * @return the changed copy
     */
    public ClientTls keyPair(Path certificateChainPem, Path privateKeyPem) {
        return new ClientTls(trustRoots, Objects.requireNonNull(certificateChainPem, "certificateChainPem"),
                Objects.requireNonNull(privateKeyPem, "privateKeyPem"), verifyHostname, provider);
    }

    /**
     * A copy that does not check that a server's certificate names the host connected to. Only
     * for a test against a certificate made for another name: without the check, anyone holding
     * any certificate your trust roots signed can pose as any of your servers.
     *
     * @return the changed copy
     */
    public ClientTls withoutHostnameVerification() {
        return new ClientTls(trustRoots, certificate, privateKey, false, provider);
    }

    /**
     * A copy with another TLS implementation (default {@link Provider#AUTO}).
     *
     * @param newProvider the provider
     * @return the changed copy
     */
    public ClientTls provider(Provider newProvider) {
        return new ClientTls(trustRoots, certificate, privateKey, verifyHostname,
                Objects.requireNonNull(newProvider, "provider"));
    }

    /** @return the PEM trust roots, or null for the JDK's default ones */
    public Path trustRoots() {
        return trustRoots;
    }

    /** @return the client certificate chain, or null for none */
    public Path certificate() {
        return certificate;
    }

    /** @return the client's private key, or null for none */
    public Path privateKey() {
        return privateKey;
    }

    /** @return whether a server's certificate must name the host connected to (default true) */
    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** @return the TLS implementation */
    public Provider provider() {
        return provider;
    }

    @Override
    public String toString() {
        return "ClientTls[trust " + (trustRoots != null ? trustRoots : "JDK defaults")
                + (certificate != null ? ", client certificate " + certificate : "")
                + (verifyHostname ? "" : ", NO host name verification") + ", " + provider + "]";
    }
}
