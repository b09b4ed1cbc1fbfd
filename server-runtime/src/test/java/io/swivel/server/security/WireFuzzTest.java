package io.swivel.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.ResourceLeakDetector;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.Greeting;
import io.swivel.samples.greeter.Person;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.security.FrameFuzzer.Fuzzed;
import io.swivel.server.security.FrameFuzzer.Killer;
import io.swivel.server.security.FrameFuzzer.Seed;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million generated and mutated frames over real loopback connections against a live server
 * serving the sample greeter and the vault bundle, while a well-behaved client keeps calling.
 *
 * <p>Most frames are answerable: real request frames of real calls with mutated, random,
 * spliced or lying bodies, misnamed services and methods, odd deadlines, pings. Many go on one
 * connection, pipelined in batches, and every one must get exactly one answer with its request
 * id while the connection stays open. The rest break the framing (bad magic, unknown types,
 * negative, oversized and short lengths, negative deadlines, strings past the end, empty names,
 * truncated frames, garbage): each goes on a connection of its own after a batch of answerable
 * frames, and the server must answer the batch, then say why in one {@code GOAWAY} frame and
 * close that connection.
 *
 * <p>Asserted: the server stays up; heap used after GC grows by less than
 * {@value #HEAP_GROWTH_BOUND_MIB} MiB; the well-behaved client gets only correct answers
 * throughout; every connection that broke the framing is closed by the server; afterwards no
 * call is in flight or queued and no thread is left inside Kryo. Bounded: the frame count, and
 * {@value #TIME_LIMIT_SECONDS} s of fuzzing at most.
 */
@Timeout(600)
class WireFuzzTest {

    static final int TARGET_FRAMES = 1_000_000;
    static final int TIME_LIMIT_SECONDS = 240;
    static final int HEAP_GROWTH_BOUND_MIB = 64;
    static final int FUZZERS = 3;
    /** Answerable frames sent before reading their answers, on one long-lived connection. */
    static final int BATCH = 512;
    /** Answerable frames sent on a connection before its killer. */
    static final int BATCH_BEFORE_KILLER = 32;
    /** One killer connection every this many long-lived batches. */
    static final int KILLER_EVERY = 1;
    static final long SEED = Long.getLong("swivel.fuzz.seed", 20_250_601L);

    @TempDir
    Path root;

    /** What every fuzzer counted. */
    static final class Tally {
        final LongAdder frames = new LongAdder();
        final LongAdder answered = new LongAdder();
        final LongAdder exactChecked = new LongAdder();
        final LongAdder killerConnections = new LongAdder();
        final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        final Map<Killer, LongAdder> killers = new ConcurrentHashMap<>();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());

        void problem(String what) {
            if (problems.size() < 20) {
                problems.add(what);
            }
        }
    }

    /**
     * Runs the fuzzing with Netty's leak detection at {@code SIMPLE} (sampled) instead of the
     * suite's {@code PARANOID}, which records a stack trace for every buffer and made the million
     * frames take 55 s instead of 13 s here; the level is put back afterwards.
     */
    @Test
    void aMillionHostileFramesLeaveTheServerServing() throws Exception {
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            fuzzAMillionFrames();
        } finally {
            ResourceLeakDetector.setLevel(leakLevel);
        }
    }

    private void fuzzAMillionFrames() throws Exception {
        try (SecurityServer live = SecurityServer.start(root)) {
            List<Seed> seeds = seeds(live);
            checkSeedsAndEncoding(live, seeds);

            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long heapBefore = usedHeapAfterGc(memory);
            Tally tally = new Tally();
            Caller caller = new Caller(live);
            ScheduledExecutorService callerThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "well-behaved-caller"));
            ExecutorService fuzzers = Executors.newFixedThreadPool(FUZZERS, r -> new Thread(r, "fuzzer"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIME_LIMIT_SECONDS);
            long start = System.nanoTime();
            long elapsed;
            try {
                callerThread.scheduleWithFixedDelay(caller::check, 0, 20, TimeUnit.MILLISECONDS);
                List<Future<?>> running = new ArrayList<>();
                for (int f = 0; f < FUZZERS; f++) {
                    long seed = SEED + f;
                    running.add(fuzzers.submit(() -> {
                        fuzz(live, new FrameFuzzer(seed, seeds, live.maxFrameLength()), TARGET_FRAMES / FUZZERS + 1,
                                deadline, tally);
                        return null;
                    }));
                }
                for (Future<?> future : running) {
                    future.get(TIME_LIMIT_SECONDS + 60, TimeUnit.SECONDS);
                }
                elapsed = System.nanoTime() - start;
            } finally {
                fuzzers.shutdownNow();
                callerThread.shutdown();
                assertThat(callerThread.awaitTermination(30, TimeUnit.SECONDS)).as("caller stopped").isTrue();
            }

            // No call left running or queued, no thread left inside Kryo.
            for (String service : List.of(SecurityServer.GREETER, VaultBundle.SERVICE)) {
                BundleGeneration generation = live.generation(service);
                ThreadPoolExecutor executor = (ThreadPoolExecutor) generation.executor();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(generation.inFlight()).as("%s calls in flight", service).isZero();
                    assertThat(executor.getActiveCount()).as("%s busy workers", service).isZero();
                    assertThat(executor.getQueue()).as("%s queued calls", service).isEmpty();
                });
            }
            List<String> inKryo = new ArrayList<>();
            for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
                if (Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("com.esotericsoftware.kryo"))) {
                    inKryo.add(thread.getThreadName());
                }
            }
            long heapAfter = usedHeapAfterGc(memory);

            long frames = tally.frames.sum();
            double seconds = elapsed / 1e9;
            System.out.printf("WireFuzzTest: %,d frames in %.1f s (%,.0f frames/s) on %d connections at once, seed %d%n",
                    frames, seconds, frames / seconds, FUZZERS, SEED);
            System.out.printf("WireFuzzTest: %,d answers, %,d exact answers checked, %,d connections broken and closed %s%n",
                    tally.answered.sum(), tally.exactChecked.sum(), tally.killerConnections.sum(), tally.killers);
            System.out.printf("WireFuzzTest: answers by status %s%n", tally.statuses);
            System.out.printf("WireFuzzTest: well-behaved caller: %,d calls (%,d rounds of %d), all correct: %s,"
                            + " slowest round %d ms%n", caller.rounds.get() * Caller.CALLS_PER_ROUND, caller.rounds.get(),
                    Caller.CALLS_PER_ROUND, caller.failures.isEmpty(), TimeUnit.NANOSECONDS.toMillis(caller.slowest.get()));
            System.out.printf("WireFuzzTest: heap used after GC %,d KiB before, %,d KiB after (growth %,d KiB, bound %d MiB)%n",
                    heapBefore >> 10, heapAfter >> 10, (heapAfter - heapBefore) >> 10, HEAP_GROWTH_BOUND_MIB);

            assertThat(tally.problems).as("misbehaviour seen by the fuzzers").isEmpty();
            assertThat(frames).as("frames sent within %d s", TIME_LIMIT_SECONDS).isGreaterThanOrEqualTo(TARGET_FRAMES);
            assertThat(tally.killerConnections.sum()).as("connections whose framing was broken").isGreaterThan(1000);
            assertThat(tally.killers).as("every killer was tried").hasSize(Killer.values().length);
            assertThat(tally.exactChecked.sum()).as("unmutated frames answered exactly").isGreaterThan(1000);
            assertThat(caller.failures).as("the well-behaved caller's failures").isEmpty();
            assertThat(caller.rounds.get()).as("rounds of well-behaved calls during the fuzzing").isGreaterThanOrEqualTo(50);
            assertThat(inKryo).as("threads still inside Kryo").isEmpty();
            assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan((long) HEAP_GROWTH_BOUND_MIB << 20);
            // And it still serves, on new connections too.
            assertThat(live.greeter.greet("after")).isEqualTo("Hello, after (v1)");
            try (WireConnection fresh = new WireConnection(live.address())) {
                Seed echo = seeds.stream().filter(s -> s.methodKey().startsWith("echo")).findFirst().orElseThrow();
                fresh.send(FrameFuzzer.request(1, echo.service(), echo.methodKey(), "", 5000, echo.body()));
                ResponseFrame response = (ResponseFrame) fresh.read();
                assertThat(response.status()).isEqualTo(Status.OK);
            }
        }
    }

    /** Sends frames until this fuzzer's share is done or the deadline passes. */
    private static void fuzz(SecurityServer live, FrameFuzzer fuzzer, int share, long deadline, Tally tally)
            throws Exception {
        WireConnection connection = new WireConnection(live.address());
        try {
            int sent = 0;
            int batches = 0;
            while (sent < share && System.nanoTime() - deadline < 0) {
                sent += batch(live, connection, fuzzer, BATCH, tally);
                if (++batches % KILLER_EVERY == 0) {
                    sent += killerConnection(live, fuzzer, tally);
                }
            }
        } finally {
            connection.close();
        }
    }

    /** Sends {@code n} answerable frames, then reads and checks every answer. */
    private static int batch(SecurityServer live, WireConnection connection, FrameFuzzer fuzzer, int n, Tally tally)
            throws Exception {
        Map<Long, Fuzzed> waiting = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Fuzzed frame = fuzzer.answerable();
            connection.write(frame.bytes());
            if (frame.answered()) {
                waiting.put(frame.requestId(), frame);
            }
        }
        connection.flush();
        tally.frames.add(n);
        int expected = waiting.size();
        for (int i = 0; i < expected; i++) {
            Frame answer = connection.read();
            if (answer == null) {
                tally.problem("the server closed a connection after " + i + " of " + expected
                        + " answers to answerable frames; unanswered kinds: " + kinds(waiting));
                throw new AssertionError(tally.problems);
            }
            Fuzzed asked = waiting.remove(answer.requestId());
            if (asked == null) {
                tally.problem("an answer to no outstanding request: " + answer);
                continue;
            }
            check(live, asked, answer, tally);
        }
        return n;
    }

    private static void check(SecurityServer live, Fuzzed asked, Frame answer, Tally tally) {
        tally.answered.increment();
        if (answer instanceof ResponseFrame response) {
            tally.statuses.computeIfAbsent(response.status().name(), s -> new LongAdder()).increment();
            if (asked.kind().equals("PING") || asked.kind().equals("HELLO")) {
                tally.problem(asked.kind() + " answered with " + response);
            }
            if (response.status() == Status.INTERNAL) {
                tally.problem("INTERNAL answer to a " + asked.kind() + " frame: " + response.bodyAsMessage());
            }
            Seed exact = asked.exact();
            if (exact != null) {
                Object result = response.status() == Status.OK ? live.encoding.decode(response.body(), 1)[0] : null;
                if (response.status() != exact.status() || (exact.status() == Status.OK && !sameResult(exact.result(), result))) {
                    tally.problem("the unmutated " + exact.methodKey() + " got " + response.status() + " " + result);
                }
                tally.exactChecked.increment();
            }
        } else if (answer instanceof ControlFrame control) {
            tally.statuses.computeIfAbsent(control.type().name(), s -> new LongAdder()).increment();
            FrameType expected = asked.kind().equals("PING") ? FrameType.PONG
                    : asked.kind().equals("HELLO") ? FrameType.HELLO : null;
            if (control.type() != expected) {
                tally.problem("a " + asked.kind() + " frame answered with " + control);
            }
        } else {
            tally.problem("the server sent a " + answer.type() + " frame");
        }
    }

    private static boolean sameResult(Object expected, Object actual) {
        if (expected instanceof Greeting g && actual instanceof Greeting a) {
            return Objects.equals(g.getText(), a.getText()) && Objects.equals(g.getVersion(), a.getVersion());
        }
        return Objects.equals(expected, actual);
    }

    /**
     * A connection of its own: a batch of answerable frames, all answered, then a frame that
     * breaks the framing; the server must close the connection.
     *
     * @return the frames sent
     */
    private static int killerConnection(SecurityServer live, FrameFuzzer fuzzer, Tally tally) throws Exception {
        Killer kind = fuzzer.anyKiller();
        try (WireConnection connection = new WireConnection(live.address())) {
            int sent = batch(live, connection, fuzzer, BATCH_BEFORE_KILLER, tally);
            byte[] killer = fuzzer.killer(kind);
            connection.send(killer);
            if (kind == Killer.TRUNCATED || kind == Killer.GARBAGE) {
                connection.shutdownOutput(); // nothing more will come: the server must not wait for the rest
            }
            tally.frames.increment();
            // Told why (one GOAWAY, id 0, "protocol error: ..."), then closed; a stream that just
            // ends mid-frame is simply closed. Garbage may happen to hold frames of its own.
            List<Frame> after = new ArrayList<>();
            Frame answer;
            while ((answer = connection.read()) != null && after.size() <= 100) {
                after.add(answer);
            }
            if (kind == Killer.TRUNCATED) {
                if (!after.isEmpty()) {
                    tally.problem("the server answered a truncated frame with " + after);
                }
            } else if (kind != Killer.GARBAGE) {
                boolean toldWhy = after.size() == 1 && after.get(0) instanceof ControlFrame goAway
                        && goAway.type() == FrameType.GOAWAY && goAway.requestId() == 0
                        && goAway.text().startsWith("protocol error: ") && goAway.text().length() > 20;
                if (!toldWhy) {
                    tally.problem("after a " + kind + " frame the server sent " + after + " instead of one GOAWAY");
                }
            } else if (after.size() > 100) {
                tally.problem("the server keeps answering garbage");
            }
            tally.killerConnections.increment();
            tally.killers.computeIfAbsent(kind, k -> new LongAdder()).increment();
            return sent + 1;
        } catch (java.net.SocketTimeoutException e) {
            tally.problem("the server neither answered nor closed within " + WireConnection.READ_TIMEOUT_MILLIS
                    + " ms after a " + kind + " frame");
            return 0;
        }
    }

    private static String kinds(Map<Long, Fuzzed> waiting) {
        Map<String, Integer> kinds = new HashMap<>();
        waiting.values().forEach(f -> kinds.merge(f.kind(), 1, Integer::sum));
        return kinds.toString();
    }

    // --- the real calls the frames start from ----------------------------------------------------------

    private static List<Seed> seeds(SecurityServer live) {
        Parcel inner = new Parcel("inner", List.of("x"), Map.of("a", 1), new int[] {9});
        Parcel parcel = new Parcel("parcel", new ArrayList<>(List.of("t1", "t2")), new HashMap<>(Map.of("k", 3, "l", 4)),
                new int[] {1, 2, 3, 400_000});
        parcel.next = inner;
        Envelope envelope = new Envelope("env", List.of("a", "b", "c"), new byte[] {1, 2, 3, 4, 5}, parcel);
        List<Object> nested = new ArrayList<>(List.of(new ArrayList<>(List.of(new ArrayList<>()))));
        List<Seed> seeds = new ArrayList<>();
        seeds.add(seed(live, Greeter.class, "greet", Status.OK, "Hello, Ada (v1)", "Ada"));
        seeds.add(seed(live, Greeter.class, "welcome", Status.OK, new Greeting("Welcome, Ada (v1)", "1.0.0", null),
                new Person("Ada", "en")));
        seeds.add(seed(live, Greeter.class, "greetAsync", Status.OK, "Hello, Bob (v1)", "Bob"));
        seeds.add(seed(live, Greeter.class, "fail", Status.APP_ERROR, null, "no"));
        seeds.add(seed(live, Greeter.class, "version", Status.OK, "1.0.0"));
        seeds.add(seed(live, Vault.class, "echo", Status.OK, "echo:hi", "hi"));
        seeds.add(seed(live, Vault.class, "parcel", Status.OK, parcel.summary(), parcel));
        seeds.add(seed(live, Vault.class, "envelope", Status.OK, envelope.summary(), envelope));
        seeds.add(seed(live, Vault.class, "count", Status.OK, 3, new ArrayList<>(List.of("a", "b", "c"))));
        seeds.add(seed(live, Vault.class, "size", Status.OK, 2, new HashMap<>(Map.of("a", 1, "b", 2))));
        seeds.add(seed(live, Vault.class, "sum", Status.OK, 6L, (Object) new int[] {1, 2, 3}));
        seeds.add(seed(live, Vault.class, "depth", Status.OK, 3, nested));
        return seeds;
    }

    private static Seed seed(SecurityServer live, Class<?> api, String method, Status status, Object result, Object... args) {
        return new Seed(api.getName(), SecurityServer.methodKey(api, method), live.encoding.encode(args), status, result);
    }

    /** Controls: the hand-written frames are what the client's encoder writes, and each seed gets its answer. */
    private static void checkSeedsAndEncoding(SecurityServer live, List<Seed> seeds) throws Exception {
        Tally tally = new Tally();
        try (WireConnection connection = new WireConnection(live.address())) {
            long id = 0;
            for (Seed seed : seeds) {
                id++;
                byte[] handWritten = FrameFuzzer.request(id, seed.service(), seed.methodKey(), "", 30_000, seed.body());
                assertThat(handWritten).isEqualTo(SecurityServer.bytes(
                        new RequestFrame(id, seed.service(), seed.methodKey(), "", 30_000, seed.body())));
                connection.send(handWritten);
                Frame answer = connection.read();
                assertThat(answer).isNotNull();
                check(live, new Fuzzed("exact", handWritten, id, true, seed), answer, tally);
            }
        }
        assertThat(tally.problems).isEmpty();
        assertThat(tally.exactChecked.sum()).isEqualTo(seeds.size());
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** The well-behaved client: real proxies, checked answers, during the whole fuzzing. */
    static final class Caller {
        static final int CALLS_PER_ROUND = 4;
        private final SecurityServer live;
        final AtomicLong rounds = new AtomicLong();
        final AtomicLong slowest = new AtomicLong();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        Caller(SecurityServer live) {
            this.live = live;
        }

        void check() {
            long n = rounds.get();
            long start = System.nanoTime();
            try {
                String name = "caller-" + n;
                expect(live.greeter.greet(name), "Hello, " + name + " (v1)");
                Parcel parcel = new Parcel(name, List.of("a"), Map.of("n", (int) n), new int[] {(int) n, 1});
                expect(live.vault.parcel(parcel), parcel.summary());
                Envelope envelope = new Envelope(name, List.of("x", "y"), new byte[(int) (n % 7)], parcel);
                expect(live.vault.envelope(envelope), envelope.summary());
                expect(live.greeter.welcome(new Person(name, "en")).getText(), "Welcome, " + name + " (v1)");
            } catch (RuntimeException e) {
                if (failures.size() < 20) {
                    failures.add("call " + n + ": " + e);
                }
            }
            slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
            rounds.incrementAndGet();
        }

        private void expect(Object actual, Object expected) {
            if (!Objects.equals(actual, expected) && failures.size() < 20) {
                failures.add("expected " + expected + ", got " + actual);
            }
        }
    }
}
