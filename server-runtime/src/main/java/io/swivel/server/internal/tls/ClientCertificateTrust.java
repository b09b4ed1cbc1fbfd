package io.swivel.server.internal.tls;

import io.netty.handler.ssl.OpenSslCertificateException;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks client certificates against {@code --tls-client-ca} with the JDK's PKIX validation, and
 * says what is wrong with a refused one in words that name it (its subject, its issuer, when it
 * expired). An expired certificate is refused as a {@link CertificateExpiredException}, and one
 * no trust root signed with OpenSSL's "unable to get issuer" code, so that the client gets the
 * matching TLS alert ({@code certificate_expired}, {@code unknown_ca}) where the provider sends one.
 */
public final class ClientCertificateTrust extends X509ExtendedTrustManager {

    /** The start of every refusal message, for the handshake failure's classification. */
    public static final String PREFIX = "client certificate '";
    /** OpenSSL's {@code X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY}: sent as the {@code unknown_ca} alert. */
    private static final int UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;

    private final X509ExtendedTrustManager pkix;
    private final String caFile;
    private final boolean openSsl;

    private ClientCertificateTrust(X509ExtendedTrustManager pkix, String caFile, boolean openSsl) {
        this.pkix = pkix;
        this.caFile = caFile;
        this.openSsl = openSsl;
    }

    /**
     * @param pem the PEM trust roots
     * @param caFile where they came from, for messages
     * @param openSsl whether the OpenSSL provider runs the handshakes
     * @return the trust manager
     * @throws GeneralSecurityException if the roots do not read
     */
    static ClientCertificateTrust of(byte[] pem, Path caFile, boolean openSsl) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e);
        }
        int i = 0;
        for (Certificate root : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
            store.setCertificateEntry("client-ca-" + i++, root);
        }
        if (i == 0) {
            throw new CertificateException("no PEM certificate in --tls-client-ca " + caFile);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return new ClientCertificateTrust(extended, caFile.toAbsolutePath().normalize().toString(), openSsl);
            }
        }
        throw new GeneralSecurityException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, () -> pkix.checkClientTrusted(chain, authType));
    }

    private interface Check {
        void run() throws CertificateException;
    }

    private void check(X509Certificate[] chain, Check delegate) throws CertificateException {
        try {
            delegate.run();
        } catch (CertificateException refused) {
            if (chain == null || chain.length == 0) {
                throw refused;
            }
            X509Certificate leaf = chain[0];
            String name = PREFIX + leaf.getSubjectX500Principal().getName() + "' (issuer '"
                    + leaf.getIssuerX500Principal().getName() + "')";
            try {
                leaf.checkValidity();
            } catch (CertificateExpiredException expired) {
                CertificateExpiredException named = new CertificateExpiredException(name + " expired at "
                        + leaf.getNotAfter().toInstant());
                named.initCause(refused);
                throw named;
            } catch (CertificateNotYetValidException notYet) {
                CertificateNotYetValidException named = new CertificateNotYetValidException(name
                        + " is not valid before " + leaf.getNotBefore().toInstant());
                named.initCause(refused);
                throw named;
            }
            String message = name + " is not signed by the --tls-client-ca " + caFile + " (" + refused.getMessage() + ")";
            CertificateException untrusted = openSsl
                    ? new OpenSslCertificateException(message, UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
                    : new CertificateException(message);
            untrusted.initCause(refused);
            throw untrusted;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
