package io.swivel.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The client's one certificate, presented to every server that asks for one, whatever
 * authorities the server names in its request. The JDK's and OpenSSL's own key managers send
 * nothing when the certificate's issuer is not among them; the server can then only say "no
 * certificate". Presenting it anyway lets the server say what is wrong with it (another
 * authority, expired), in its log and in the alert this client reports.
 */
final class PresentingKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "swivel-client";
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private final X509Certificate[] chain;
    private final PrivateKey key;

    private PresentingKeyManager(X509Certificate[] chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    /**
     * Reads a PEM certificate chain and its PKCS#8 PEM private key.
     *
     * @param certificateChain the chain, the client's own first
     * @param privateKey the key
     * @return the key manager
     * @throws IOException if a file cannot be read
     * @throws GeneralSecurityException if they are not a certificate and its key
     */
    static PresentingKeyManager read(Path certificateChain, Path privateKey) throws IOException, GeneralSecurityException {
        X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(certificateChain)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        }
        if (chain.length == 0) {
            throw new GeneralSecurityException("no PEM certificate in " + certificateChain);
        }
        String text = Files.readString(privateKey, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException(privateKey + " holds no '" + BEGIN + "' (PKCS#8): convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW'");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
        String algorithm = chain[0].getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(algorithm.equals("EdDSA") ? "Ed25519" : algorithm)
                .generatePrivate(new PKCS8EncodedKeySpec(der));
        return new PresentingKeyManager(chain, key);
    }

    /** @return the client's own certificate */
    X509Certificate certificate() {
        return chain[0];
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null; // a client's key manager
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null; // a client's key manager
    }
}
