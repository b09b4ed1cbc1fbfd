package io.swivel.bench.peer.swivel;

import io.swivel.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The certificates of the TLS peers, made once per work directory: an authority (what the load
 * generator trusts) and a server certificate for {@code 127.0.0.1} (EC P-256, as a current
 * deployment would use).
 *
 * @param authority the authority's certificate
 * @param serverCertificate the server's certificate
 * @param serverKey its PKCS#8 key
 */
public record BenchCertificates(Path authority, Path serverCertificate, Path serverKey) {

    /**
     * The certificates under a directory, made if they are not there yet.
     *
     * @param dir where they live
     * @return their files
     */
    public static synchronized BenchCertificates in(Path dir) {
        Path ca = dir.resolve("ca.crt");
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        if (!Files.exists(ca) || !Files.exists(cert) || !Files.exists(key)) {
            TestCertificates.Authority authority = TestCertificates.authority("Swivel Benchmark CA");
            authority.issue("bench-server", TestCertificates.Use.SERVER).write(dir, "server");
            authority.writeCertificate(ca);
        }
        return new BenchCertificates(ca, cert, key);
    }
}
