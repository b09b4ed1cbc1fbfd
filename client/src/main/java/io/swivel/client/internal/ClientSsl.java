package io.swivel.client.internal;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.swivel.client.ClientTls;
import javax.net.ssl.SSLException;

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
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider(tls.provider()))
                .endpointIdentificationAlgorithm(tls.verifiesHostname() ? "HTTPS" : null);
        try {
            if (tls.trustRoots() != null) {
                builder.trustManager(tls.trustRoots().toFile());
            }
            if (tls.certificate() != null) {
                builder.keyManager(tls.certificate().toFile(), tls.privateKey().toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
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
