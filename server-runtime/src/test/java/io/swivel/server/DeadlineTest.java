package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.client.CallScope;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.protocol.Frame;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.server.probe.Probe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines travel with the call: the client gives up at the deadline, and the server does not
 * start work whose deadline passed while it waited for a worker. A full queue answers
 * {@code OVERLOADED} at once.
 */
@Timeout(60)
class DeadlineTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private LiveServer oneWorker(int queueCapacity) throws Exception {
        return LiveServer.withProbe(root, 1, queueCapacity);
    }

    private static SerializationContext kryo() {
        return SerializationContext.create(DeadlineTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Probe.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);
    }

    @Test
    void theClientGivesUpAtTheDeadline() throws Exception {
        try (LiveServer live = oneWorker(8)) {
            Probe probe = live.proxy(Probe.class);
            long start = System.nanoTime();
            CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
                try (CallScope scope = SwivelClient.withTimeout(Duration.ofMillis(300))) {
                    return probe.hold(1500);
                }
            });
            assertThatThrownBy(() -> call.get(3, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(SwivelException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.DEADLINE_EXCEEDED))
                    .hasMessageContaining("hold(long) got no answer within its deadline of 300 ms (attempt 1, on 127.0.0.1:");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void workWhoseDeadlinePassedInTheQueueIsRefusedNotStarted() throws Exception {
        try (LiveServer live = oneWorker(8);
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            SerializationContext kryo = kryo();
            raw.send(new RequestFrame(1, Probe.class.getName(), "hold(long)", "", 0, kryo.encode(1000L)));
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 1);
            // queued behind the only worker, with 200 ms to live: it must never start
            raw.send(new RequestFrame(2, Probe.class.getName(), "hold(long)", "", 200, kryo.encode(3000L)));

            ResponseFrame first = (ResponseFrame) raw.receive();
            assertThat(first.requestId()).isEqualTo(1);
            assertThat(first.status()).isEqualTo(Status.OK);
            ResponseFrame second = (ResponseFrame) raw.receive();
            assertThat(second.requestId()).isEqualTo(2);
            assertThat(second.status()).isEqualTo(Status.DEADLINE_EXCEEDED);
            assertThat(second.bodyAsMessage()).isEqualTo("deadline passed before hold(long) could start");
            // answered at once, not after a 3 s hold: the worker is free for the next call
            assertThat(live.proxy(Probe.class).version()).isEqualTo("1");
        }
    }

    @Test
    void aFullQueueAnswersOverloadedAtOnce() throws Exception {
        try (LiveServer live = oneWorker(1);
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            SerializationContext kryo = kryo();
            raw.send(new RequestFrame(1, Probe.class.getName(), "hold(long)", "", 0, kryo.encode(2000L)));
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 1);
            raw.send(new RequestFrame(2, Probe.class.getName(), "hold(long)", "", 0, kryo.encode(0L)));
            raw.send(new RequestFrame(3, Probe.class.getName(), "version()", "", 0, kryo.encode()));

            ResponseFrame refused = (ResponseFrame) raw.receive();
            assertThat(refused.requestId()).isEqualTo(3);
            assertThat(refused.status()).isEqualTo(Status.OVERLOADED);
            assertThat(refused.bodyAsMessage()).contains("has no free worker and its queue is full");
            assertThat(((ResponseFrame) raw.receive()).requestId()).isEqualTo(1);
            assertThat(((ResponseFrame) raw.receive()).requestId()).isEqualTo(2);
        }
    }
}
