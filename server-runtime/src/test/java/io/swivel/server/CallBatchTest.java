package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.DecodeBudget;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.server.probe.Probe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick calls of one read go to the workers as one task ({@code --call-batch}): they share a
 * worker, a call of a method that was never quick is not batched and holds none of them up, a batch the workers refuse is answered call by
 * call, and nothing stays counted in flight when the caller leaves.
 */
@Timeout(90)
class CallBatchTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String PROBE = Probe.class.getName();

    @TempDir
    Path root;

    private final AtomicInteger ids = new AtomicInteger();
    private final SerializationContext kryo = kryo();

    private LiveServer start(int workers, int queueCapacity) throws Exception {
        return LiveServer.withProbe(root, workers, queueCapacity);
    }

    private static SerializationContext kryo() {
        return SerializationContext.create(CallBatchTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Probe.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);
    }

    /** Sends the frames in one write, so that the server reads them together. */
    private static void sendTogether(RawClient raw, List<RequestFrame> frames) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (RequestFrame frame : frames) {
            ByteBuf buf = Unpooled.buffer();
            try {
                FrameEncoder.encode(frame, buf, Integer.MAX_VALUE);
                byte[] encoded = new byte[buf.readableBytes()];
                buf.readBytes(encoded);
                bytes.write(encoded);
            } finally {
                buf.release();
            }
        }
        raw.sendBytes(bytes.toByteArray());
    }

    private List<RequestFrame> threadCalls(SerializationContext kryo, int count) {
        List<RequestFrame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(new RequestFrame(ids.incrementAndGet(), PROBE, "thread()", "", 0, kryo.encode()));
        }
        return frames;
    }

    private static List<ResponseFrame> receive(RawClient raw, int count) throws IOException {
        List<ResponseFrame> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add((ResponseFrame) raw.receive());
        }
        return answers;
    }

    /**
     * Sends 16 {@code thread()} calls together until all were served, by one worker: once the
     * method runs quick, they are one batch, one task in the queue. Handed off one by one, 16 calls
     * never all fit in a server of 2 workers and a queue of 1 or 4 (the pool answers the rest
     * {@code OVERLOADED}).
     */
    private void untilOneReadSharesAWorker(RawClient raw, SerializationContext kryo) {
        await().atMost(WITHIN).untilAsserted(() -> {
            sendTogether(raw, threadCalls(kryo, 16));
            Set<String> threads = new HashSet<>();
            for (ResponseFrame answer : receive(raw, 16)) {
                assertThat(answer.status()).isEqualTo(Status.OK);
                threads.add((String) kryo.decodeResult(answer.body(), String.class, DecodeBudget.defaults()));
            }
            assertThat(threads).as("the threads that ran 16 quick calls read together").hasSize(1);
            assertThat(threads.iterator().next()).as("a worker of the bundle, with its loader").contains("-call-").endsWith("|true");
        });
    }

    @Test
    void theQuickCallsOfOneReadShareOneWorkerTask() throws Exception {
        try (LiveServer live = start(2, 1);
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            untilOneReadSharesAWorker(raw, kryo);
        }
    }

    @Test
    void aCallThatBlocksIsNotBatchedAndDoesNotHoldUpTheQuickCallsReadWithIt() throws Exception {
        try (LiveServer live = start(2, 64);
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            untilOneReadSharesAWorker(raw, kryo);
            List<RequestFrame> frames = new ArrayList<>();
            int hold = ids.incrementAndGet();
            frames.add(new RequestFrame(hold, PROBE, "hold(long)", "", 0, kryo.encode(5_000L)));
            frames.addAll(threadCalls(kryo, 8));
            sendTogether(raw, frames);

            List<ResponseFrame> answers = receive(raw, 9);
            assertThat(answers.subList(0, 8)).as("the quick calls, answered while the hold still runs")
                    .allSatisfy(answer -> {
                        assertThat(answer.requestId()).isNotEqualTo(hold);
                        assertThat(answer.status()).isEqualTo(Status.OK);
                    });
            assertThat(answers.get(8).requestId()).isEqualTo(hold);
            assertThat(answers.get(8).status()).isEqualTo(Status.OK);
        }
    }

    @Test
    void aBatchWhoseCallTurnedSlowHandsTheCallsLeftToWorkersOfTheirOwn() throws Exception {
        try (LiveServer live = start(2, 4);
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            untilOneReadSharesAWorker(raw, kryo);
            // each try: hold(0) made quick again (its slow run of the last try made it slow), then a slow hold
            // read together with 8 quick calls; a try whose hold or calls were not batched together (the calls
            // then answer before the hold) tries again
            await().atMost(WITHIN).untilAsserted(() -> {
                for (int i = 0; i < 40; i++) {
                    raw.send(new RequestFrame(ids.incrementAndGet(), PROBE, "hold(long)", "", 0, kryo.encode(0L)));
                    assertThat(((ResponseFrame) raw.receive()).status()).isEqualTo(Status.OK);
                }
                List<RequestFrame> frames = new ArrayList<>();
                frames.add(new RequestFrame(ids.incrementAndGet(), PROBE, "hold(long)", "", 0, kryo.encode(100L)));
                frames.addAll(threadCalls(kryo, 8));
                sendTogether(raw, frames);
                List<ResponseFrame> answers = receive(raw, 9);
                assertThat(answers.get(0).requestId()).as("the hold answered first: the 8 waited for it in its batch")
                        .isEqualTo(frames.get(0).requestId());
                Set<String> threads = new HashSet<>();
                int refused = 0;
                for (ResponseFrame answer : answers) {
                    if (answer.status() == Status.OVERLOADED) {
                        refused++;
                    } else if (answer.requestId() != frames.get(0).requestId()) {
                        assertThat(answer.status()).isEqualTo(Status.OK);
                        threads.add((String) kryo.decodeResult(answer.body(), String.class, DecodeBudget.defaults()));
                    }
                }
                // run on in the batch, the 8 would all be served one after another by the hold's worker; handed
                // off one by one after it, 8 calls do not fit in 2 workers and 4 places, or run on both workers
                assertThat(refused > 0 || threads.size() > 1)
                        .as("the calls after the slow one were handed off (%d refused, threads %s)", refused, threads)
                        .isTrue();
            });
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 0);
        }
    }

    @Test
    void aBatchTheWorkersRefuseIsAnsweredCallByCallAndNothingStaysInFlight() throws Exception {
        try (LiveServer live = start(2, 1);
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            untilOneReadSharesAWorker(raw, kryo);
            // both workers busy, the one queue slot taken: the next batch has nowhere to go
            // one at a time: each is taken off the one-place queue before the next arrives
            raw.send(new RequestFrame(ids.incrementAndGet(), PROBE, "hold(long)", "", 0, kryo.encode(3_000L)));
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 1);
            raw.send(new RequestFrame(ids.incrementAndGet(), PROBE, "hold(long)", "", 0, kryo.encode(3_000L)));
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 2);
            raw.send(new RequestFrame(ids.incrementAndGet(), PROBE, "hold(long)", "", 0, kryo.encode(0L)));
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 3);
            List<RequestFrame> refused = threadCalls(kryo, 4);
            sendTogether(raw, refused);

            List<ResponseFrame> answers = receive(raw, 4);
            assertThat(answers).extracting(ResponseFrame::requestId)
                    .containsExactlyElementsOf(refused.stream().map(RequestFrame::requestId).toList());
            assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.status()).isEqualTo(Status.OVERLOADED);
                assertThat(answer.bodyAsMessage()).contains("has no free worker and its queue is full");
            });
            assertThat(receive(raw, 3)).extracting(ResponseFrame::status).containsOnly(Status.OK);
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 0);
        }
    }

    @Test
    void aCallerThatLeavesMidBatchLeavesNothingInFlight() throws Exception {
        try (LiveServer live = start(2, 4)) {
            try (RawClient raw = new RawClient(live.server.rpcAddress())) {
                untilOneReadSharesAWorker(raw, kryo);
                sendTogether(raw, threadCalls(kryo, 64));
            }
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 0);
            assertThat(live.proxy(Probe.class).version()).isEqualTo("1");
        }
    }
}
