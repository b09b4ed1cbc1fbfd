package io.swivel.client.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.client.CallScope;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.client.failover.ScriptedServer.Answer;
import io.swivel.client.failover.ScriptedServer.Ignore;
import io.swivel.protocol.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection's one deadline timer: calls on one connection with deadlines in any order each
 * fail at their own deadline (never before it, not much after), answered calls among them are
 * untouched, and the timer is armed again for calls made after it last ran.
 */
@Timeout(60)
class DeadlineSweepTest {

    /** How late a deadline may be noticed on a shared machine (the sweep itself adds at most 10 ms). */
    private static final long MARGIN_MILLIS = 2000;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** How one call ended, and how long after it was made. */
    private record Outcome(long timeoutMillis, Throwable error, long afterMillis) {
    }

    @Test
    void eachCallFailsAtItsOwnDeadlineWhateverTheOrderTheyWereMadeIn() throws Exception {
        ScriptedServer server = ScriptedServer.start(Accounts.class,
                request -> request.methodKey().startsWith("lookup") ? new Ignore() : new Answer(7));
        resources.add(server);
        SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.port())
                .timeout(Duration.ofSeconds(5)).build();
        resources.add(client);
        Accounts accounts = client.proxy(Accounts.class);
        assertThat(accounts.count("warm")).isEqualTo(7);

        // later deadlines first: each earlier one must move the connection's timer forward
        List<CompletableFuture<Outcome>> calls = new ArrayList<>();
        for (long timeout : new long[] {900, 600, 300, 600, 320}) {
            calls.add(lookup(client, accounts, timeout));
        }
        assertThat(accounts.count("between")).as("an answered call among them").isEqualTo(7);
        List<Outcome> first = new ArrayList<>();
        for (CompletableFuture<Outcome> call : calls) {
            first.add(call.get(20, TimeUnit.SECONDS));
        }
        // the timer ran and found nothing left: a later call arms it again
        Outcome later = lookup(client, accounts, 200).get(20, TimeUnit.SECONDS);
        assertThat(accounts.count("after")).isEqualTo(7);

        List<Outcome> all = new ArrayList<>(first);
        all.add(later);
        for (Outcome outcome : all) {
            assertThat(outcome.error()).as("the call with %d ms", outcome.timeoutMillis())
                    .isExactlyInstanceOf(SwivelException.class)
                    .hasMessageContaining("got no answer within its deadline of " + outcome.timeoutMillis() + " ms");
            assertThat(((SwivelException) outcome.error()).status()).isEqualTo(Status.DEADLINE_EXCEEDED);
            // the router hands the connection the whole milliseconds left (319 of 320 once a few µs
            // passed), and afterMillis is truncated too: 1 ms under the deadline is not early
            assertThat(outcome.afterMillis()).as("failed after its %d ms deadline, not before", outcome.timeoutMillis())
                    .isGreaterThanOrEqualTo(outcome.timeoutMillis() - 1)
                    .isLessThan(outcome.timeoutMillis() + MARGIN_MILLIS);
        }
        System.out.println("deadline sweep: " + all.stream()
                .map(o -> o.timeoutMillis() + " ms failed after " + o.afterMillis() + " ms").toList());
    }

    private static CompletableFuture<Outcome> lookup(SwivelClient client, Accounts accounts, long timeoutMillis) {
        long start = System.nanoTime();
        try (CallScope scope = SwivelClient.withTimeout(Duration.ofMillis(timeoutMillis))) {
            return client.async(() -> accounts.lookup("a")).handle((value, error) -> new Outcome(timeoutMillis,
                    error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        }
    }
}
