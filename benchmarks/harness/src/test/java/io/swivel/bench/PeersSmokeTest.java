package io.swivel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.bench.grpc.proto.UserPage;
import io.swivel.bench.peer.Launcher;
import io.swivel.bench.peer.Peer;
import io.swivel.bench.peer.PeerServer;
import io.swivel.bench.peer.ceiling.CeilingFrames;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.proc.JavaCommand;
import io.swivel.bench.user.Page;
import io.swivel.bench.user.User;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import io.swivel.bench.workload.UserCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each peer's server starts as the harness starts it (a JVM of its own on a loopback port) and
 * answers the workload through the client the load generator uses, sync and async. Measures
 * nothing.
 */
@Timeout(180)
class PeersSmokeTest {

    @TempDir
    Path work;

    private Launcher launcher() {
        String classpath = System.getProperty("java.class.path");
        // The test classpath holds server-runtime too, so it also serves as swivel serve's classpath.
        return new Launcher(JavaCommand.parse("-Xmx256m"), classpath, classpath, BenchBundles.v1(), work);
    }

    @Test
    void swivelServeProcessServesTheBundleToTheProxy() throws Exception {
        try (PeerServer server = PeerServer.start(Peer.SWIVEL, launcher(), "swivel");
             SwivelCalls calls = new SwivelCalls(server.host(), server.port())) {
            User user = (User) calls.call(Op.GET_USER, 7);
            assertThat(user.getId()).isEqualTo(7);
            assertThat(user.getName()).isEqualTo("Doug Lea");
            assertThat(user.getPermissions()).hasSize(15);
            Page<?> page = (Page<?>) calls.callAsync(Op.LIST_USER, 3).get(30, TimeUnit.SECONDS);
            assertThat(page.getPageNo()).isEqualTo(3);
            assertThat(page.getResult()).hasSize(15);
            assertThat(calls.call(Op.EXIST_USER, 4)).isEqualTo(false);
            assertThat(calls.call(Op.CREATE_USER, 4)).isEqualTo(true);
            assertThat(calls.service().version()).isEqualTo("1.0.0");
        }
    }

    @Test
    void swivelDirectServesABundleThatDeclaresDirectDispatch() throws Exception {
        try (PeerServer server = PeerServer.start(Peer.SWIVEL_DIRECT, launcher(), "swivel-direct");
             UserCalls calls = PeerServer.client(Peer.SWIVEL_DIRECT, server.host(), server.port(), null)) {
            User user = (User) calls.call(Op.GET_USER, 7);
            assertThat(user.getId()).isEqualTo(7);
            Page<?> page = (Page<?>) calls.callAsync(Op.LIST_USER, 3).get(30, TimeUnit.SECONDS);
            assertThat(page.getResult()).hasSize(15);
            assertThat(Files.readString(work.resolve("logs").resolve("swivel-direct.log")))
                    .contains("calls run on I/O threads (Swivel-Dispatch: direct)");
        }
    }

    @Test
    void swivelLambdaMakesAsyncCallsThroughClientAsync() throws Exception {
        try (PeerServer server = PeerServer.start(Peer.SWIVEL_LAMBDA, launcher(), "swivel-lambda");
             UserCalls calls = PeerServer.client(Peer.SWIVEL_LAMBDA, server.host(), server.port())) {
            User user = (User) calls.callAsync(Op.GET_USER, 7).get(30, TimeUnit.SECONDS);
            assertThat(user.getId()).isEqualTo(7);
            Page<?> page = (Page<?>) calls.callAsync(Op.LIST_USER, 3).get(30, TimeUnit.SECONDS);
            assertThat(page.getResult()).hasSize(15);
            assertThat(calls.callAsync(Op.EXIST_USER, 4).get(30, TimeUnit.SECONDS)).isEqualTo(false);
            assertThat(calls.callAsync(Op.CREATE_USER, 4).get(30, TimeUnit.SECONDS)).isEqualTo(true);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Peer.class, names = {"SWIVEL_TLS_OPENSSL", "SWIVEL_TLS_JDK"})
    void swivelOverTlsServesTheProxyWithTheProviderAsked(Peer peer) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(peer != Peer.SWIVEL_TLS_OPENSSL
                || io.netty.handler.ssl.OpenSsl.isAvailable(), "OpenSSL does not load here");
        try (PeerServer server = PeerServer.start(peer, launcher(), peer.label());
             UserCalls calls = PeerServer.client(peer, server.host(), server.port(), server.tlsCa())) {
            assertThat(((User) calls.call(Op.GET_USER, 7)).getId()).isEqualTo(7);
            assertThat(Files.readString(work.resolve("logs").resolve(peer.label() + ".log")))
                    .contains("TLS with " + (peer == Peer.SWIVEL_TLS_JDK ? "the JDK's TLS" : "OpenSSL"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Peer.class, names = {"GRPC", "GRPC_DIRECT"})
    void grpcServerAnswersTheStubs(Peer peer) throws Exception {
        try (PeerServer server = PeerServer.start(peer, launcher(), peer.label());
             UserCalls calls = PeerServer.client(peer, server.host(), server.port(), server.tlsCa())) {
            io.swivel.bench.grpc.proto.User user = (io.swivel.bench.grpc.proto.User) calls.call(Op.GET_USER, 7);
            assertThat(user.getId()).isEqualTo(7);
            assertThat(user.getName()).isEqualTo("Doug Lea");
            assertThat(user.getPermissionsCount()).isEqualTo(15);
            UserPage page = (UserPage) calls.callAsync(Op.LIST_USER, 3).get(30, TimeUnit.SECONDS);
            assertThat(page.getResultCount()).isEqualTo(15);
            assertThat(calls.call(Op.EXIST_USER, 9)).isEqualTo(true);
        }
    }

    @Test
    void ceilingAnswersEachRequestWithTheRecordedSwivelResponse() throws Exception {
        try (PeerServer server = PeerServer.start(Peer.NETTY, launcher(), "netty");
             UserCalls calls = PeerServer.client(Peer.NETTY, server.host(), server.port(), null)) {
            for (Op op : List.of(Op.GET_USER, Op.LIST_USER)) {
                // The client reports the length of the response frame it got (length prefix stripped).
                assertThat(calls.call(op, 1)).isEqualTo(CeilingFrames.of(op, Mode.SYNC).response().length - 4);
                assertThat(calls.callAsync(op, 1).get(30, TimeUnit.SECONDS))
                        .isEqualTo(CeilingFrames.of(op, Mode.ASYNC).response().length - 4);
            }
        }
    }
}
