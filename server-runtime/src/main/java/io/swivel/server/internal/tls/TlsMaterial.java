package io.swivel.server.internal.tls;

import io.swivel.server.config.Tls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * The bytes of the certificate, key and client CA files as read at one moment, and their
 * fingerprint: a context is built from exactly these bytes, so a file replaced between two reads
 * is never half used, and a check that finds the same fingerprint builds nothing.
 */
record TlsMaterial(byte[] certificate, byte[] key, byte[] clientCa, String fingerprint) {

    /**
     * Reads the files of a configuration.
     *
     * @param tls the settings, TLS enabled
     * @return what the files hold now
     * @throws IOException if one cannot be read
     */
    static TlsMaterial read(Tls tls) throws IOException {
        byte[] certificate = readFile(tls.certFile(), "--tls-cert");
        byte[] key = readFile(tls.keyFile(), "--tls-key");
        byte[] clientCa = tls.clientCaFile() != null ? readFile(tls.clientCaFile(), "--tls-client-ca") : new byte[0];
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
        for (byte[] part : new byte[][] {certificate, key, clientCa}) {
            digest.update(HexFormat.of().formatHex(digest.digest(part)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return new TlsMaterial(certificate, key, clientCa, HexFormat.of().formatHex(digest.digest()).substring(0, 16));
    }

    private static byte[] readFile(Path file, String option) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read " + option + " " + file.toAbsolutePath().normalize() + ": " + e, e);
        }
    }

    /**
     * The first certificate of the chain, for log lines.
     *
     * @return the server's certificate
     * @throws CertificateException if the file holds none
     */
    X509Certificate leaf() throws CertificateException {
        var all = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(certificate));
        if (all.isEmpty()) {
            throw new CertificateException("no PEM certificate in the --tls-cert file");
        }
        return (X509Certificate) all.iterator().next();
    }

    /**
     * Checks that the private key belongs to the certificate: a certificate replaced before its
     * key (two files, two renames) must not make a context whose every handshake fails. Signs a
     * challenge with the key and verifies it with the certificate's public key. A key that is not
     * PKCS#8 PEM is left to the TLS provider to read or refuse.
     *
     * @param leaf the certificate
     * @throws CertificateException if the key is not the certificate's
     */
    void checkKeyMatches(X509Certificate leaf) throws CertificateException {
        String text = new String(key, java.nio.charset.StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            return;
        }
        String base64 = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        String algorithm = leaf.getPublicKey().getAlgorithm();
        String signature = switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (signature == null) {
            return;
        }
        try {
            PrivateKey privateKey = KeyFactory.getInstance(algorithm.equals("EdDSA") ? "Ed25519" : algorithm)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            byte[] challenge = fingerprint.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signed)) {
                throw new CertificateException("the --tls-key is not the private key of the --tls-cert certificate '"
                        + leaf.getSubjectX500Principal().getName() + "' (a rotation that replaced one file and not yet the other?)");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            if (e instanceof CertificateException certificate) {
                throw certificate;
            }
            throw new CertificateException("the --tls-key does not read as a " + algorithm
                    + " private key of the --tls-cert certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsMaterial material && material.fingerprint.equals(fingerprint);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "TlsMaterial[" + fingerprint + "]";
    }
}
