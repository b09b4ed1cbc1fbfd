package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.protocol.Status;
import io.swivel.systest.api.Hog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle method that really runs the heap out of a {@code swivel serve -Xmx256m} process: each
 * call is answered {@code INTERNAL} with the {@code OutOfMemoryError}, counted in
 * {@code /metrics}, and the server goes on serving; a well-behaved neighbour's greeter calls see
 * no failure meanwhile, and its {@code /v1/health} probes (1 s budget) miss their budget only
 * while the collector stops the world as a heap runs out.
 */
@Timeout(240)
class FatalErrorsTest {

    private static final int ROUNDS = 3;
    private static final int CHUNK_MIB = 8;

    @TempDir
    Path root;

    @Test
    void aBundleThatRunsTheHeapOutIsAnsweredInternalAndTheNeighboursKeepBeingServed() throws Exception {
        Path deploy = Files.createDirectories(root.resolve("fatal-oom/deploy"));
        Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve("greeter.jar"));
        Files.copy(SystestBundles.hog(root.resolve("work")), deploy.resolve("hog.jar"));
        try (ServerProcess server = ServerProcess.start("fatal-oom", deploy, root.resolve("fatal-oom/data"), "none",
                List.of("--probation", "0s"));
             // the hog's own client waits out the collector (the default closes a connection silent for 1.5 s, and
             // gives a call 5 s: running a heap out takes longer on a busy machine)
             SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort())
                     .heartbeat(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(60)).build()) {
            Hog hog = client.proxy(Hog.class);
            assertThat(hog.ping()).isEqualTo("pong");
            Bystander bystander = Bystander.start(server);
            List<Long> millis = new ArrayList<>();
            List<Instant[]> exhaustions = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    long start = System.nanoTime();
                    Instant began = Instant.now();
                    SwivelException thrown = null;
                    try {
                        hog.exhaustHeap(CHUNK_MIB);
                    } catch (SwivelException e) {
                        thrown = e;
                    }
                    millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    exhaustions.add(new Instant[] {began, Instant.now()});
                    assertThat(thrown).as("exhaustHeap cannot return on a 256 MiB heap").isNotNull();
                    assertThat(thrown.status()).as(thrown.getMessage()).isEqualTo(Status.INTERNAL);
                    answers.add(thrown.getMessage());
                    assertThat(hog.ping()).as("the hog's next call, after round " + round).isEqualTo("pong");
                }
            } finally {
                bystander.close();
            }
            double counted = bystander.metric("swivel_call_fatal_errors_total", "error=\"OutOfMemoryError\"");
            System.out.printf("SYSTEST fatal-oom: %d rounds of exhaustHeap(%d MiB) on -Xmx256m answered INTERNAL in %s ms; "
                            + "%d bystander calls, %d problems; %d health probes answered, slowest %d ms; %d probes over "
                            + "the 1 s budget %s; counted %.0f; first answer: %s%n", ROUNDS, CHUNK_MIB, millis,
                    bystander.calls(), bystander.callProblems().size(), bystander.probes(), bystander.slowestProbeMillis(),
                    bystander.healthProblems().size(), bystander.healthProblems(), counted, answers.get(0));

            assertThat(answers).allSatisfy(answer -> assertThat(answer)
                    .contains("OutOfMemoryError in exhaustHeap(int) of hog 1.0.0: Java heap space"));
            assertThat(counted).isEqualTo(ROUNDS);
            assertThat(bystander.callProblems()).as("the greeter's caller").isEmpty();
            // While the heap runs out the collector stops every thread (full collections: 0.3-1 s each
            // on this shared machine), so a probe may miss its 1 s budget then; never at another time,
            // never with anything but a timeout, and /v1/health answers at once afterwards.
            assertThat(bystander.healthProblems()).as("/v1/health: only timeouts, only while a heap ran out")
                    .allSatisfy(problem -> {
                        assertThat(problem).contains("HttpTimeoutException");
                        Instant at = Instant.parse(problem.substring(0, problem.indexOf(' ')));
                        assertThat(exhaustions).anySatisfy(window -> assertThat(at)
                                .isBetween(window[0], window[1].plus(Bystander.HEALTH_BUDGET.multipliedBy(2))));
                    });
            long healthStart = System.nanoTime();
            assertThat(server.request("GET", "/v1/health", null, null).status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - healthStart)).isLessThan(Bystander.HEALTH_BUDGET);
            assertThat(bystander.calls()).isPositive();
            assertThat(server.isAlive()).isTrue();
            assertThat(server.output()).doesNotContain("Exception in thread").doesNotContain("died of");
        }
    }
}
