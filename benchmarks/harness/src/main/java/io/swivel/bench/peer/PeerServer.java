package io.swivel.bench.peer;

import io.swivel.bench.BenchMain;
import io.swivel.bench.peer.ceiling.CeilingCalls;
import io.swivel.bench.peer.grpc.GrpcCalls;
import io.swivel.bench.peer.swivel.BenchCertificates;
import io.swivel.bench.peer.swivel.BundleJars;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.proc.ChildProcess;
import io.swivel.bench.workload.UserCalls;
import io.swivel.client.ClientTls;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A peer's server running in a JVM of its own on a loopback port: {@code swivel serve} with the
 * benchmark bundle, or the harness's gRPC or ceiling server.
 */
public final class PeerServer implements AutoCloseable {

    /** What the harness's own servers print once they listen. */
    public static final String READY = "READY port=";
    private static final Pattern READY_LINE = Pattern.compile(READY + "(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Peer peer;
    private final ChildProcess process;
    private final SwivelServerProcess swivel;
    private final int port;
    private final Path tlsCa;

    private PeerServer(Peer peer, ChildProcess process, SwivelServerProcess swivel, int port, Path tlsCa) {
        this.peer = peer;
        this.process = process;
        this.swivel = swivel;
        this.port = port;
        this.tlsCa = tlsCa;
    }

    /**
     * Starts a peer's server and waits until it listens.
     *
     * @param peer which
     * @param launcher how
     * @param name names its log and directories
     * @return the running server
     * @throws IOException if it cannot start
     * @throws InterruptedException if interrupted
     */
    public static PeerServer start(Peer peer, Launcher launcher, String name) throws IOException, InterruptedException {
        if (peer == Peer.SWIVEL || peer == Peer.SWIVEL_DIRECT || peer == Peer.SWIVEL_LAMBDA) {
            Path bundle = launcher.bundleJar();
            if (peer == Peer.SWIVEL_DIRECT) {
                bundle = BundleJars.withAttributes(bundle, Map.of("Swivel-Dispatch", "direct"),
                        launcher.workDir().resolve("bundles").resolve("bench-users-direct.jar"));
            }
            SwivelServerProcess swivel = SwivelServerProcess.start(launcher, name, List.of(), bundle);
            return new PeerServer(peer, swivel.process(), swivel, swivel.rpcPort(), null);
        }
        if (peer.tlsProvider() != null) {
            BenchCertificates tls = BenchCertificates.in(launcher.workDir().resolve("tls"));
            SwivelServerProcess swivel = SwivelServerProcess.start(launcher, name, List.of("--tls-cert",
                    tls.serverCertificate().toString(), "--tls-key", tls.serverKey().toString(), "--tls-provider",
                    peer.tlsProvider(), "--admin-tls", "false"), launcher.bundleJar());
            return new PeerServer(peer, swivel.process(), swivel, swivel.rpcPort(), tls.authority());
        }
        List<String> command = switch (peer) {
            case GRPC -> List.of("serve-grpc", "--port", "0");
            case GRPC_DIRECT -> List.of("serve-grpc", "--port", "0", "--direct");
            default -> List.of("serve-ceiling", "--port", "0");
        };
        ChildProcess process = ChildProcess.start(name, launcher.java().command(List.of(), launcher.harnessClasspath(),
                BenchMain.class.getName(), command), launcher.workDir().resolve("logs").resolve(name + ".log"));
        try {
            Matcher ready = process.awaitLine(READY_LINE, START_TIMEOUT);
            return new PeerServer(peer, process, null, Integer.parseInt(ready.group(1)), null);
        } catch (InterruptedException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /**
     * A client of a peer's server.
     *
     * @param peer which peer
     * @param host the server's host
     * @param port its port
     * @param tlsCa the authority a TLS peer's certificate is signed by, or null
     * @return the client
     * @throws InterruptedException if interrupted while connecting
     */
    public static UserCalls client(Peer peer, String host, int port, Path tlsCa) throws InterruptedException {
        return switch (peer) {
            case SWIVEL, SWIVEL_DIRECT -> new SwivelCalls(host, port, false);
            case SWIVEL_LAMBDA -> new SwivelCalls(host, port, true);
            case SWIVEL_TLS_OPENSSL -> new SwivelCalls(host, port, ClientTls.trusting(tlsCa).provider(ClientTls.Provider.OPENSSL));
            case SWIVEL_TLS_JDK -> new SwivelCalls(host, port, ClientTls.trusting(tlsCa).provider(ClientTls.Provider.JDK));
            case GRPC, GRPC_DIRECT -> new GrpcCalls(host, port);
            case NETTY -> new CeilingCalls(host, port);
        };
    }

    /** @return the peer */
    public Peer peer() {
        return peer;
    }

    /**
     * A client of a plain-TCP peer's server.
     *
     * @param peer which peer
     * @param host the server's host
     * @param port its port
     * @return the client
     * @throws InterruptedException if interrupted while connecting
     */
    public static UserCalls client(Peer peer, String host, int port) throws InterruptedException {
        return client(peer, host, port, null);
    }

    /** @return the authority a TLS peer's certificate is signed by, or null for plain TCP */
    public Path tlsCa() {
        return tlsCa;
    }

    /** @return the loopback host */
    public String host() {
        return "127.0.0.1";
    }

    /** @return the port clients connect to */
    public int port() {
        return port;
    }

    /**
     * The Swivel server process, to replace its bundle.
     *
     * @return the process
     * @throws IllegalStateException if this is not the Swivel peer
     */
    public SwivelServerProcess swivel() {
        if (swivel == null) {
            throw new IllegalStateException(peer.label() + " is not a Swivel server");
        }
        return swivel;
    }

    /** @return the process */
    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (swivel != null) {
            swivel.close();
        } else {
            process.close();
        }
    }
}
