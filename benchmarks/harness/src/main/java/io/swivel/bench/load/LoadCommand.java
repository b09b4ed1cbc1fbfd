package io.swivel.bench.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.bench.peer.Peer;
import io.swivel.bench.peer.PeerServer;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import io.swivel.bench.workload.UserCalls;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator's JVM: connects one client to a peer's server and, for each mode and
 * operation, runs the phases, printing a {@code PHASE} line as each begins and a {@code RESULT}
 * line (JSON) as each ends, then {@code LOAD DONE}.
 */
@Command(name = "load", description = "Load a peer's server (run by the harness in a JVM of its own).")
public final class LoadCommand implements Callable<Integer> {

    /** Prefix of a result line. */
    public static final String RESULT = "RESULT ";
    /** Prefix of a phase line: {@code PHASE mode op phase begins}. */
    public static final String PHASE = "PHASE ";
    /** The last line. */
    public static final String DONE = "LOAD DONE";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--peer", required = true, description = "swivel, grpc or netty")
    String peer;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--modes", defaultValue = "sync", split = ",", description = "sync, async")
    List<String> modes;

    @Option(names = "--ops", defaultValue = "getUser", split = ",")
    List<String> ops;

    @Option(names = "--threads", defaultValue = "32")
    int threads;

    @Option(names = "--outstanding", defaultValue = "128")
    int outstanding;

    @Option(names = "--tls-ca", description = "the authority of a TLS peer's certificate")
    java.nio.file.Path tlsCa;

    @Option(names = "--phases", required = true, description = "name:duration,... e.g. warmup:10s,measure:20s")
    String phases;

    /**
     * The first call, tried up to three times: on a machine shared with other builds, a cold
     * server JVM (and a TLS server's first handshakes) may miss the client's 5 s deadline once.
     */
    private static void firstCall(UserCalls calls, Op op) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                calls.call(op, 1);
                return;
            } catch (Exception e) {
                if (attempt == 3) {
                    throw e;
                }
                System.err.println("first call, attempt " + attempt + " of 3, failed: " + e);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Peer which = Peer.of(peer);
        List<Phase> phaseList = Phase.parseAll(phases);
        PrintStream out = System.out;
        try (UserCalls calls = PeerServer.client(which, host, port, tlsCa)) {
            for (String modeLabel : modes) {
                Mode mode = Mode.of(modeLabel);
                for (String opLabel : ops) {
                    Op op = Op.of(opLabel);
                    firstCall(calls, op); // fail fast, with the peer's own message, if nothing answers
                    int concurrency = mode == Mode.SYNC ? threads : outstanding;
                    new LoadGenerator(calls, which.label(), mode, op, concurrency).run(phaseList, new LoadGenerator.Listener() {
                        @Override
                        public void begins(Phase phase) {
                            out.println(PHASE + mode.label() + " " + op.label() + " " + phase.name() + " begins");
                            out.flush();
                        }

                        @Override
                        public void ended(PhaseResult result) {
                            out.println(RESULT + toJson(result));
                            out.flush();
                        }
                    });
                }
            }
        }
        out.println(DONE);
        out.flush();
        return 0;
    }

    private static String toJson(PhaseResult result) {
        try {
            return JSON.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + result + " as JSON", e);
        }
    }

    /**
     * Reads a result line.
     *
     * @param line a line starting with {@link #RESULT}
     * @return the result
     */
    public static PhaseResult parse(String line) {
        try {
            return JSON.readValue(line.substring(RESULT.length()), PhaseResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a result line: " + line, e);
        }
    }
}
