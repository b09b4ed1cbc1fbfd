package io.swivel.server.internal.cluster;

import io.swivel.server.config.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whom a following server trusts when it fetches a jar over HTTPS (a peer's admin API with
 * {@code --admin-tls}, or an {@code https:} source): the JDK's trust roots, plus the certificates
 * of this server's {@code --tls-cert} (a cluster whose servers share one certificate, or whose file
 * holds the chain up to a private CA) and of {@code --tls-client-ca} (the private CA of a cluster
 * with mutual TLS): the rule the CLI follows for {@code --tls-ca}. The host name is verified. The
 * files are read again for each fetch, so a rotated certificate is used.
 */
final class PeerTrust {

    private PeerTrust() {
    }

    /**
     * @param tls the server's TLS settings
     * @return the socket factory for HTTPS fetches
     * @throws IOException if a file cannot be read or holds no certificate, saying which
     */
    static SSLSocketFactory of(Tls tls) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int i = 0;
            for (javax.net.ssl.TrustManager manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate root : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + i++, root);
                    }
                }
            }
            i = add(store, tls.certFile(), "--tls-cert", i);
            add(store, tls.clientCaFile(), "--tls-client-ca", i);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the trust roots for HTTPS fetches from --tls-cert and --tls-client-ca: "
                    + e.getMessage(), e);
        }
    }

    private static int add(KeyStore store, Path file, String option, int first) throws IOException,
            GeneralSecurityException {
        if (file == null) {
            return first;
        }
        int i = first;
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("swivel-" + i++, certificate);
            }
        }
        if (i == first) {
            throw new IOException(option + " " + file + " holds no PEM certificate to trust for HTTPS fetches");
        }
        return i;
    }
}
