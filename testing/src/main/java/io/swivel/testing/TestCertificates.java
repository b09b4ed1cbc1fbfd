package io.swivel.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Certificates made inside a test with Bouncy Castle: a certificate authority, and server and
 * client certificates it signs (EC P-256), written as PEM files the way an operator's would be.
 * A server certificate names {@code localhost} and {@code 127.0.0.1}, so host name verification
 * passes on loopback.
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private TestCertificates() {
    }

    /** What a certificate is for. */
    public enum Use {
        /** TLS server authentication, with {@code localhost} and {@code 127.0.0.1} as names. */
        SERVER,
        /** TLS client authentication. */
        CLIENT
    }

    /** A certificate and its private key, as PEM files. */
    public record Pem(Path certificate, Path privateKey) {
    }

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {

        /**
         * Writes the certificate and the PKCS#8 private key beside each other, each replaced
         * atomically (written beside, then renamed over), as a careful rotation does.
         *
         * @param dir the directory
         * @param name the file stem: {@code name.crt} and {@code name.key}
         * @return the two files
         */
        public Pem write(Path dir, String name) {
            try {
                Files.createDirectories(dir);
                Path cert = dir.resolve(name + ".crt");
                Path key = dir.resolve(name + ".key");
                replace(cert, pem(certificate));
                replace(key, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
                return new Pem(cert, key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** @return the serial number, to tell two certificates of one name apart */
        public BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    /** A certificate authority that signs certificates. */
    public static final class Authority {

        private final Issued self;
        private final X500Name name;

        private Authority(Issued self, X500Name name) {
            this.self = self;
            this.name = name;
        }

        /** @return the authority's own certificate */
        public X509Certificate certificate() {
            return self.certificate();
        }

        /**
         * Writes the authority's certificate (the trust roots file of its clients or servers).
         *
         * @param file where
         * @return the file
         */
        public Path writeCertificate(Path file) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                replace(file, pem(self.certificate()));
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Issues a certificate valid from an hour ago for a day.
         *
         * @param commonName the subject's CN
         * @param use server or client
         * @return the certificate and its keys
         */
        public Issued issue(String commonName, Use use) {
            Instant now = Instant.now();
            return issue(commonName, use, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        }

        /**
         * Issues a certificate valid between two instants (in the past, for an expired one).
         *
         * @param commonName the subject's CN
         * @param use server or client
         * @param notBefore the start of validity
         * @param notAfter the end of validity
         * @return the certificate and its keys
         */
        public Issued issue(String commonName, Use use, Instant notBefore, Instant notAfter) {
            return issue(commonName, use, notBefore, notAfter, use == Use.SERVER ? new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")} : new GeneralName[0]);
        }

        /**
         * Issues a server certificate for one DNS name only (not {@code 127.0.0.1}): for host name
         * verification to refuse on loopback.
         *
         * @param dnsName the only name it is valid for
         * @return the certificate and its keys
         */
        public Issued issueServerFor(String dnsName) {
            Instant now = Instant.now();
            return issue(dnsName, Use.SERVER, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
                    new GeneralName[] {new GeneralName(GeneralName.dNSName, dnsName)});
        }

        private Issued issue(String commonName, Use use, Instant notBefore, Instant notAfter, GeneralName[] names) {
            KeyPair keys = newKeys();
            try {
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, nextSerial(),
                        Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), keys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                        .addExtension(Extension.authorityKeyIdentifier, false,
                                utils.createAuthorityKeyIdentifier(self.certificate()))
                        .addExtension(Extension.subjectKeyIdentifier, false,
                                utils.createSubjectKeyIdentifier(keys.getPublic()))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(use == Use.SERVER
                                ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
                if (names.length > 0) {
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
                return new Issued(sign(builder, self.keys()), keys);
            } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
                throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
            }
        }
    }

    /**
     * A new self-signed certificate authority, valid from an hour ago for a day.
     *
     * @param commonName its CN
     * @return the authority
     */
    public static Authority authority(String commonName) {
        KeyPair keys = newKeys();
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, nextSerial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return new Authority(new Issued(sign(builder, keys), keys), name);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the authority " + commonName, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator in this JDK", e);
        }
    }

    private static BigInteger nextSerial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static String pem(X509Certificate certificate) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        }
        return text.toString();
    }

    private static String pem(PemObjectGenerator generator) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(generator);
        }
        return text.toString();
    }

    private static void replace(Path file, String content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
