package io.swivel.systest;

import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a well-behaved neighbour of an attack sees: a client calling the greeter without pause
 * (a {@link Caller}) and a prober asking {@code GET /v1/health} every 200 ms (after the previous answer) with a 1 s budget.
 * An attack test starts one before the attack, and at the end asserts that no call failed and
 * that health always answered within its budget. Bounded like {@link Caller} (3 min).
 *
 * <p>The server must serve the sample greeter v1 ({@code greet("Ada")} → {@code Hello, Ada (v1)}).
 */
final class Bystander implements AutoCloseable {

    /** The longest {@code /v1/health} may take to answer. */
    static final Duration HEALTH_BUDGET = Duration.ofSeconds(1);

    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(3);
    private static final Pattern METRIC_LINE = Pattern.compile("^(\\w+)(\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);

    private final ServerProcess server;
    private final SwivelClient client;
    private final Caller caller;
    private final ScheduledExecutorService prober;
    private final long deadline = System.nanoTime() + MAX_NANOS;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong slowestProbeMillis = new AtomicLong();
    private final Queue<String> healthProblems = new ConcurrentLinkedQueue<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_BUDGET).build();

    private Bystander(ServerProcess server) {
        this.server = server;
        this.client = SwivelClient.builder().address(server.rpc().getHostString(), server.rpc().getPort()).build();
        Greeter greeter = client.proxy(Greeter.class);
        this.caller = Caller.start("bystander-" + server.name(), () -> greeter.greet("Ada"), Set.of("Hello, Ada (v1)"));
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "health-" + server.name());
            thread.setDaemon(true);
            return thread;
        });
        this.prober.scheduleWithFixedDelay(this::probe, 0, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts calling and probing.
     *
     * @param server a running server that serves the greeter v1
     * @return the running bystander
     */
    static Bystander start(ServerProcess server) {
        return new Bystander(server);
    }

    private void probe() {
        if (stop.get() || System.nanoTime() - deadline > 0) {
            return;
        }
        URI health = URI.create("http://" + server.admin().getHostString() + ":" + server.admin().getPort() + "/v1/health");
        long start = System.nanoTime();
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(health).timeout(HEALTH_BUDGET).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                healthProblems.add(Instant.now() + " /v1/health answered " + reply.statusCode() + " " + reply.body());
            }
        } catch (IOException e) {
            healthProblems.add(Instant.now() + " /v1/health failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        slowestProbeMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
        probes.incrementAndGet();
    }

    /** @return calls the greeter client made so far */
    long calls() {
        return caller.calls();
    }

    /** @return failed calls and wrong answers (the first 20) */
    List<String> callProblems() {
        return caller.problems();
    }

    /** @return health probes that failed, timed out or did not answer 200 (all of them) */
    List<String> healthProblems() {
        return List.copyOf(healthProblems);
    }

    /** @return health probes made so far */
    long probes() {
        return probes.get();
    }

    /** @return the slowest health answer so far, in milliseconds */
    long slowestProbeMillis() {
        return slowestProbeMillis.get();
    }

    /**
     * One value of the server's {@code /metrics}, summed over all series of that name whose labels
     * contain {@code labelPart} (empty for all).
     *
     * @param name e.g. {@code jvm_memory_used_bytes}
     * @param labelPart e.g. {@code area="heap"}
     * @return the sum
     */
    double metric(String name, String labelPart) {
        ServerProcess.Reply reply = server.get("/metrics");
        if (reply.status() != 200) {
            throw new IllegalStateException("/metrics answered " + reply.status() + ": " + reply.body());
        }
        double sum = 0;
        boolean found = false;
        Matcher line = METRIC_LINE.matcher(reply.body());
        while (line.find()) {
            String labels = line.group(2) == null ? "" : line.group(2);
            if (line.group(1).equals(name) && labels.contains(labelPart)) {
                sum += Double.parseDouble(line.group(3));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("/metrics has no " + name + " with " + labelPart);
        }
        return sum;
    }

    /** Stops calling and probing; waits for the call and the probe in progress. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        prober.shutdown();
        try {
            caller.close();
        } finally {
            boolean ended = prober.awaitTermination(10, TimeUnit.SECONDS);
            client.close();
            if (!ended) {
                throw new AssertionError("the health prober of " + server.name() + " is stuck in a probe");
            }
        }
    }
}
