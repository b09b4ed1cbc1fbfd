package io.swivel.client.internal;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.swivel.client.ClientTls;
import java.io.IOException;
import java.security.GeneralSecurityException;

/** Builds the client's Netty {@link SslContext} from its {@link ClientTls} settings. */
final class ClientSsl {

    private ClientSsl() {
    }

    /**
     * Reads the files and builds the context.
     *
     * @param tls the settings
     * @return the context, for every connection of the client
     * @throws IllegalArgumentException if a file cannot be read or does not make a TLS context, or
     *     OpenSSL is demanded and does not load
     */
    static SslContext build(ClientTls tls) {
        return build(tls, null);
    }

    /**
     * Reads the files and builds the context.
     *
     * @param tls the settings
     * @param clientCertificate receives the client's own certificate, when it presents one (may be null)
     * @return the context, for every connection of the client
     * @throws IllegalArgumentException as {@link #build(ClientTls)}
     */
    static SslContext build(ClientTls tls, java.util.function.Consumer<java.security.cert.X509Certificate> clientCertificate) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider(tls.provider()))
                .endpointIdentificationAlgorithm(tls.verifiesHostname() ? "HTTPS" : null);
        try {
            if (tls.trustRoots() != null) {
                builder.trustManager(tls.trustRoots().toFile());
            }
            if (tls.certificate() != null) {
                PresentingKeyManager keys = PresentingKeyManager.read(tls.certificate(), tls.privateKey());
                if (clientCertificate != null) {
                    clientCertificate.accept(keys.certificate());
                }
                builder.keyManager(keys);
            }
            return builder.build();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the TLS settings " + tls + ": " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : ""), e);
        }
    }

    /** @return "OpenSSL" or "JDK", as a setting resolves on this machine */
    static String providerName(ClientTls.Provider wanted) {
        return provider(wanted) == SslProvider.JDK ? "JDK" : "OpenSSL";
    }

    private static SslProvider provider(ClientTls.Provider wanted) {
        return switch (wanted) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalArgumentException("ClientTls.Provider.OPENSSL: netty-tcnative's OpenSSL does not load"
                            + " on this machine (" + OpenSsl.unavailabilityCause() + ")", OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }
}
