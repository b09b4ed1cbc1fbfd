package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.ClientTls;
import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.Tls;
import io.swivel.testing.TestCertificates;
import io.swivel.testing.TestCertificates.Authority;
import io.swivel.testing.TestCertificates.Issued;
import io.swivel.testing.TestCertificates.Use;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server certificate is replaced on disk under load: calls on a connection opened before go
 * on, clients connecting after get the new certificate, and not one call fails. The files are
 * replaced one after the other (certificate, then key), as a rotation script does, so the server
 * also meets a certificate whose key has not arrived yet and must keep the old pair until it has.
 */
@Timeout(120)
class TlsRotationTest {

    /** Bounds of the load: each loop stops at its count or at the deadline, whichever comes first. */
    private static final int STEADY_CALLS_PER_THREAD = 20_000;
    private static final int FRESH_CLIENTS_PER_THREAD = 400;
    private static final int FRESH_BEFORE = 10;
    private static final int FRESH_AFTER = 20;
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    @Test
    void aRotatedCertificateServesNewConnectionsWithoutOneFailedCall() throws Exception {
        Authority ca = TestCertificates.authority("Swivel Rotation CA");
        Path roots = ca.writeCertificate(root.resolve("tls").resolve("ca.crt"));
        Issued first = ca.issue("greeter-server", Use.SERVER);
        TestCertificates.Pem pem = first.write(root.resolve("tls"), "server");
        TestBundles.deploy("greeter-v1", root.resolve("server").resolve("deploy"), "greeter.jar");
        ClientTls tls = ClientTls.trusting(roots);
        try (LiveServer server = LiveServer.start(root.resolve("server"), c -> c.tls = new Tls(pem.certificate(),
                pem.privateKey(), null).withReloadInterval(Duration.ofMillis(100)));
             SwivelClient steady = client(server, tls)) {
            int port = server.server.rpcAddress().getPort();
            assertThat(servedSerial(port, roots)).isEqualTo(first.serial());
            Greeter greeter = steady.proxy(Greeter.class);
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)"); // its connection opens before the rotation

            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicInteger steadyCalls = new AtomicInteger();
            AtomicInteger freshCalls = new AtomicInteger();
            AtomicInteger freshAfterRotation = new AtomicInteger();
            AtomicBoolean rotated = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
            ExecutorService load = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> loops = new CopyOnWriteArrayList<>();
                for (int t = 0; t < 2; t++) {
                    loops.add(load.submit(() -> {
                        for (int i = 0; i < STEADY_CALLS_PER_THREAD && !stop.get() && System.nanoTime() < deadline; i++) {
                            call(greeter, failures, "steady");
                            steadyCalls.incrementAndGet();
                        }
                    }));
                    loops.add(load.submit(() -> {
                        for (int i = 0; i < FRESH_CLIENTS_PER_THREAD && !stop.get() && System.nanoTime() < deadline; i++) {
                            boolean after = rotated.get();
                            try (SwivelClient fresh = client(server, tls)) {
                                call(fresh.proxy(Greeter.class), failures, "fresh");
                            }
                            freshCalls.incrementAndGet();
                            if (after) {
                                freshAfterRotation.incrementAndGet();
                            }
                        }
                    }));
                }
                await().atMost(LOAD_LIMIT).until(() -> freshCalls.get() >= FRESH_BEFORE || !failures.isEmpty());

                Issued second = ca.issue("greeter-server", Use.SERVER);
                second.write(root.resolve("tls"), "server"); // certificate, then key: two renames
                await().atMost(Duration.ofSeconds(20)).until(() -> second.serial().equals(servedSerial(port, roots)));
                rotated.set(true);
                await().atMost(LOAD_LIMIT).until(() -> freshAfterRotation.get() >= FRESH_AFTER || !failures.isEmpty());
                stop.set(true);
                for (Future<?> loop : loops) {
                    loop.get(30, TimeUnit.SECONDS);
                }
            } finally {
                stop.set(true);
                load.shutdownNow();
                assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(failures).as("failed calls (of %d steady, %d on fresh connections)", steadyCalls.get(),
                    freshCalls.get()).isEmpty();
            assertThat(freshAfterRotation.get()).isGreaterThanOrEqualTo(FRESH_AFTER);
            assertThat(steadyCalls.get()).isPositive();
            assertThat(greeter.greet("Ada")).as("the connection opened before the rotation").isEqualTo("Hello, Ada (v1)");
            assertThat(logs.messages("TLS files changed: new connections get certificate")).hasSize(1);
        }
    }

    private static void call(Greeter greeter, List<String> failures, String kind) {
        try {
            String answer = greeter.greet("Ada");
            if (!answer.equals("Hello, Ada (v1)")) {
                failures.add(kind + ": answered " + answer);
            }
        } catch (RuntimeException e) {
            failures.add(kind + ": " + e);
        }
    }

    private static SwivelClient client(LiveServer server, ClientTls tls) {
        return SwivelClient.builder().address("127.0.0.1", server.server.rpcAddress().getPort()).tls(tls)
                .timeout(Duration.ofSeconds(10)).maxAttempts(1).ioThreads(1).build();
    }

    /** The serial number of the certificate a new TLS connection to the port gets now. */
    private static BigInteger servedSerial(int port, Path roots) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(roots)) {
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
