package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.OpenSsl;
import io.swivel.client.ClientTls;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.Tls;
import io.swivel.testing.TestCertificates;
import io.swivel.testing.TestCertificates.Authority;
import io.swivel.testing.TestCertificates.Pem;
import io.swivel.testing.TestCertificates.Use;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS and mutual TLS on {@code swivel/1} between a real server and real clients on 127.0.0.1,
 * with certificates made in the test: a round trip, host name verification, the refusals of
 * mutual TLS (no client certificate, one from another authority, an expired one) each with its
 * cause on both sides, and the admin API over HTTPS with the {@code swivel} CLI. Both providers
 * (the JDK's and, where it loads, OpenSSL) are exercised.
 */
@Timeout(120)
class TlsTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private final Authority serverCa = TestCertificates.authority("Swivel Test Server CA");
    private final Authority clientCa = TestCertificates.authority("Swivel Test Client CA");

    static Stream<Tls.Provider> providers() {
        List<Tls.Provider> providers = new ArrayList<>(List.of(Tls.Provider.JDK));
        if (OpenSsl.isAvailable()) {
            providers.add(Tls.Provider.OPENSSL);
        }
        return providers.stream();
    }

    private static ClientTls.Provider same(Tls.Provider provider) {
        return provider == Tls.Provider.JDK ? ClientTls.Provider.JDK : ClientTls.Provider.OPENSSL;
    }

    private LiveServer server(Function<Pem, Tls> tls) throws Exception {
        Pem pem = serverCa.issue("greeter-server", Use.SERVER).write(root.resolve("tls"), "server");
        TestBundles.deploy("greeter-v1", root.resolve("server").resolve("deploy"), "greeter.jar");
        return LiveServer.start(root.resolve("server"), c -> c.tls = tls.apply(pem));
    }

    private SwivelClient client(LiveServer server, ClientTls tls) {
        return SwivelClient.builder().address("127.0.0.1", server.server.rpcAddress().getPort()).tls(tls)
                .timeout(Duration.ofSeconds(5)).maxAttempts(1).build();
    }

    private Path serverRoots() {
        return serverCa.writeCertificate(root.resolve("tls").resolve("server-ca.crt"));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aCallTravelsOverTls(Tls.Provider provider) throws Exception {
        try (LiveServer server = server(pem -> new Tls(pem.certificate(), pem.privateKey(), null).withProvider(provider));
             SwivelClient client = client(server, ClientTls.trusting(serverRoots()).provider(same(provider)))) {
            assertThat(client.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(logs.messages("swivel/1 listening on")).singleElement().asString()
                    .contains("TLS with " + (provider == Tls.Provider.JDK ? "JDK" : "OpenSSL"));
        }
    }

    @Test
    void theHostNameIsVerifiedUnlessTurnedOff() throws Exception {
        Pem elsewhere = serverCa.issueServerFor("elsewhere.example").write(root.resolve("tls"), "elsewhere");
        TestBundles.deploy("greeter-v1", root.resolve("server").resolve("deploy"), "greeter.jar");
        try (LiveServer server = LiveServer.start(root.resolve("server"),
                c -> c.tls = new Tls(elsewhere.certificate(), elsewhere.privateKey(), null))) {
            try (SwivelClient verifying = client(server, ClientTls.trusting(serverRoots()))) {
                assertThatThrownBy(() -> verifying.proxy(Greeter.class).greet("Ada"))
                        .isInstanceOf(SwivelException.class)
                        .hasMessageContaining("TLS with 127.0.0.1:" + server.server.rpcAddress().getPort() + " failed")
                        .hasMessageContaining("does not name 127.0.0.1 (host name verification)");
            }
            try (SwivelClient trusting = client(server, ClientTls.trusting(serverRoots()).withoutHostnameVerification())) {
                assertThat(trusting.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
            }
        }
    }

    @Test
    void aServerSignedByAnotherAuthorityIsNotTrusted() throws Exception {
        Path strangers = TestCertificates.authority("Someone Else").writeCertificate(root.resolve("other-ca.crt"));
        try (LiveServer server = server(pem -> new Tls(pem.certificate(), pem.privateKey(), null));
             SwivelClient client = client(server, ClientTls.trusting(strangers))) {
            assertThatThrownBy(() -> client.proxy(Greeter.class).greet("Ada"))
                    .isInstanceOf(SwivelException.class)
                    .hasMessageContaining("this client does not trust the server's certificate");
        }
    }

    @Test
    void plainTcpAndTlsDoNotMeetAndSaySo() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("plain").resolve("deploy"), "greeter.jar");
        try (LiveServer plain = LiveServer.start(root.resolve("plain"), c -> { });
             SwivelClient client = client(plain, ClientTls.trusting(serverRoots()))) {
            assertThatThrownBy(() -> client.proxy(Greeter.class).greet("Ada"))
                    .isInstanceOf(SwivelException.class)
                    .hasMessageContaining("the server does not speak TLS on this port");
        }
        try (LiveServer server = server(pem -> new Tls(pem.certificate(), pem.privateKey(), null))) {
            assertThatThrownBy(() -> server.proxy(Greeter.class).greet("Ada")).isInstanceOf(SwivelException.class);
            await().atMost(WITHIN).untilAsserted(() -> assertThat(logs.messages("refused a TLS connection"))
                    .anySatisfy(line -> assertThat(line).contains("it does not speak TLS")));
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void mutualTlsServesASignedClientAndRefusesEveryOtherDuringTheHandshake(Tls.Provider provider) throws Exception {
        Path clientRoots = clientCa.writeCertificate(root.resolve("tls").resolve("client-ca.crt"));
        Pem good = clientCa.issue("orders", Use.CLIENT).write(root.resolve("tls"), "good");
        Pem stranger = TestCertificates.authority("Someone Else").issue("intruder", Use.CLIENT)
                .write(root.resolve("tls"), "stranger");
        Instant now = Instant.now();
        Pem expired = clientCa.issue("retired", Use.CLIENT, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)))
                .write(root.resolve("tls"), "expired");
        ClientTls trusting = ClientTls.trusting(serverRoots()).provider(same(provider));
        try (LiveServer server = server(pem -> new Tls(pem.certificate(), pem.privateKey(), clientRoots)
                .withProvider(provider))) {
            try (SwivelClient signed = client(server, trusting.keyPair(good.certificate(), good.privateKey()))) {
                assertThat(signed.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
            }

            try (SwivelClient anonymous = client(server, trusting)) {
                assertThatThrownBy(() -> anonymous.proxy(Greeter.class).greet("Ada"))
                        .isInstanceOf(SwivelException.class)
                        .hasMessageContaining("the server requires a client certificate (mutual TLS) and this client sent none");
            }
            awaitServerLine("it sent no client certificate; --tls-client-ca " + clientRoots.toAbsolutePath().normalize());

            try (SwivelClient other = client(server, trusting.keyPair(stranger.certificate(), stranger.privateKey()))) {
                assertThatThrownBy(() -> other.proxy(Greeter.class).greet("Ada"))
                        .isInstanceOf(SwivelException.class)
                        .hasMessageContaining("the server does not trust this client's certificate 'CN=intruder'"
                                + " (issuer 'CN=Someone Else')");
            }
            awaitServerLine("its client certificate 'CN=intruder' (issuer 'CN=Someone Else') is not signed by the"
                    + " --tls-client-ca " + clientRoots.toAbsolutePath().normalize());

            try (SwivelClient old = client(server, trusting.keyPair(expired.certificate(), expired.privateKey()))) {
                assertThatThrownBy(() -> old.proxy(Greeter.class).greet("Ada"))
                        .isInstanceOf(SwivelException.class)
                        .hasMessageContaining("the server refused this client's certificate 'CN=retired'")
                        .hasMessageContaining("(expired or not yet valid)");
            }
            awaitServerLine("its client certificate 'CN=retired' (issuer '" + "CN=Swivel Test Client CA') expired at");

            assertThat(logs.messages("refused a TLS connection")).as("one line per cause").hasSize(3);
            String metrics = server.server.metrics().scrape("text/plain").body();
            assertThat(metrics).contains("tls_no_client_certificate").contains("tls_untrusted_client_certificate")
                    .contains("tls_expired_client_certificate");
        }
    }

    private void awaitServerLine(String text) {
        await().atMost(WITHIN).untilAsserted(() -> assertThat(logs.messages("refused a TLS connection"))
                .anySatisfy(line -> assertThat(line).contains(text)));
    }

    @Test
    void theAdminApiServesHttpsAndTheCliTalksToIt() throws Exception {
        try (LiveServer server = server(pem -> new Tls(pem.certificate(), pem.privateKey(), null))) {
            LiveServer.Cli status = server.cli("status", "--tls-ca", serverRoots().toString());
            assertThat(status.status()).as(status.err()).isZero();
            assertThat(status.out()).contains("greeter");

            LiveServer.Cli plain = server.cli("status");
            assertThat(plain.status()).isNotZero();
            assertThat(plain.err()).contains("pass --tls-ca FILE");
            assertThat(logs.messages("admin API on https://")).hasSize(1);
        }
    }

    @Test
    void theAdminApiStaysOnHttpWhenAsked() throws Exception {
        try (LiveServer server = server(pem -> new Tls(pem.certificate(), pem.privateKey(), null).withAdmin(false))) {
            LiveServer.Cli status = server.cli("status");
            assertThat(status.status()).as(status.err()).isZero();
            assertThat(logs.messages("admin API on http://")).hasSize(1);
        }
    }
}
