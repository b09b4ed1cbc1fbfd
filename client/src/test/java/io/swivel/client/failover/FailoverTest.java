package io.swivel.client.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.client.balance.Balancers;
import io.swivel.client.failover.ScriptedServer.Answer;
import io.swivel.client.failover.ScriptedServer.Drop;
import io.swivel.client.failover.ScriptedServer.Hold;
import io.swivel.client.failover.ScriptedServer.Ignore;
import io.swivel.client.failover.ScriptedServer.Refuse;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.Status;
import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ServiceRegistrar;
import io.swivel.registry.ServiceRegistrar.BundleVersion;
import io.swivel.registry.ZooKeeperClients;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure detection and failover of the client against peers that fail on cue: a hung server
 * (socket open, nothing answered), a connection cut after the request left, a refused port that
 * comes back, and a server that refuses every call (the retry budget).
 */
class FailoverTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @TempDir
    Path temp;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        resources.add(resource);
        return resource;
    }

    private static boolean isTransfer(RequestFrame request) {
        return request.methodKey().startsWith("transfer(");
    }

    private static long count(ScriptedServer server, String method) {
        return server.requests().stream().filter(r -> r.methodKey().startsWith(method + "(")).count();
    }

    private SwivelClient direct(ScriptedServer server, Duration heartbeat, Duration timeout) {
        return closing(SwivelClient.builder().address("127.0.0.1", server.port()).heartbeat(heartbeat).timeout(timeout)
                .build());
    }

    @Test
    void aHungPeerOnAnIdleConnectionIsDroppedWithinThreeHeartbeats() throws Exception {
        ScriptedServer server = closing(ScriptedServer.start(Ledger.class, request -> new Answer("100")));
        Ledger ledger = direct(server, Duration.ofMillis(200), Duration.ofSeconds(5)).proxy(Ledger.class);
        assertThat(ledger.lookup("a")).isEqualTo("100");

        // A peer that answers pings keeps its idle connection...
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).until(() -> server.connectionsClosed() == 0);
        // ...one that stops answering loses it after three silent heartbeats (600 ms).
        long silentFrom = System.nanoTime();
        server.stopAnsweringPings();
        await().atMost(Duration.ofSeconds(3)).until(() -> server.connectionsClosed() == 1);
        long noticedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentFrom);
        assertThat(noticedMillis).isGreaterThanOrEqualTo(400);
        System.out.printf("hung idle peer dropped %d ms after it went silent (heartbeat 200 ms)%n", noticedMillis);
    }

    @Test
    void aCallToAHungPeerFailsInSecondsNotAtItsDeadline() throws Exception {
        ScriptedServer server = closing(ScriptedServer.start(Ledger.class, request -> new Ignore()));
        server.stopAnsweringPings();
        Ledger ledger = direct(server, Duration.ofMillis(200), Duration.ofSeconds(30)).proxy(Ledger.class);

        long start = System.nanoTime();
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> ledger.transfer("a"));
        // the deadline is 30 s away; failure detection must answer long before it
        assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SwivelException.class)
                .hasMessageContaining("transfer(java.lang.String) is not @Idempotent, so it is not retried: it may have run");
        System.out.printf("call to a hung peer failed after %d ms (deadline 30 s, heartbeat 200 ms)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(count(server, "transfer")).isEqualTo(1);
    }

    @Test
    void aClientThatKeepsWritingToAServerHoldingEveryCallDoesNotTakeItForDead() throws Exception {
        ScriptedServer server = closing(ScriptedServer.start(Ledger.class, request -> new Answer("warm")));
        SwivelClient client = direct(server, Duration.ofMillis(200), Duration.ofSeconds(20));
        Ledger ledger = client.proxy(Ledger.class);
        assertThat(ledger.lookup("warm")).isEqualTo("warm"); // connected, classes loaded: the calls below are evenly spaced
        server.script(request -> new Hold());
        // A new call every 50 ms for 1.5 s: the connection never goes a heartbeat without a write,
        // and the server answers none of them (each takes longer than three heartbeats). It still
        // answers pings, so the connection must stay open.
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        closing(ticker::shutdownNow);
        List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
        ticker.scheduleWithFixedDelay(() -> {
            if (calls.size() < 30) {
                calls.add(client.async(() -> ledger.lookup("a")));
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.held() >= 30);
        assertThat(server.connectionsClosed()).as("connections closed while every call was held").isZero();
        server.answerHeld(args -> "held " + args[0]);
        for (CompletableFuture<String> call : calls) {
            assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("held a");
        }
        assertThat(server.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void aConnectionLostAfterSendingIsRetriedOnlyForIdempotentMethods() throws Exception {
        ScriptedServer server = closing(ScriptedServer.start(Ledger.class, request -> new Drop()));
        Ledger ledger = direct(server, Duration.ofMillis(500), Duration.ofSeconds(5)).proxy(Ledger.class);

        assertThatThrownBy(() -> ledger.transfer("a"))
                .isInstanceOf(SwivelException.class)
                .hasMessageContaining("is not @Idempotent, so it is not retried: it may have run");
        assertThat(count(server, "transfer")).as("a transfer that may have run is sent once").isEqualTo(1);

        assertThatThrownBy(() -> ledger.lookup("a")).isInstanceOf(SwivelException.class)
                .hasMessageContaining("no retry left");
        assertThat(count(server, "lookup")).as("an idempotent lookup is tried up to maxAttempts (3)").isEqualTo(3);

        AtomicInteger lookups = new AtomicInteger();
        server.script(request -> lookups.incrementAndGet() == 1 ? new Drop() : new Answer("7"));
        assertThat(ledger.lookup("a")).isEqualTo("7");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void behindZooKeeperAnIdempotentCallMovesToAnotherServerAndAMaybeRunCallDoesNot() throws Exception {
        ScriptedServer dropping = closing(ScriptedServer.start(Ledger.class, request -> new Drop()));
        ScriptedServer healthy = closing(ScriptedServer.start(Ledger.class, request -> new Answer("ok")));
        String zookeeper = registerAll(dropping.port(), healthy.port());
        Ledger ledger = closing(SwivelClient.builder().zookeeper(zookeeper).balancer(Balancers.ROUND_ROBIN)
                .timeout(Duration.ofSeconds(5)).build()).proxy(Ledger.class);
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> ledger.lookup("warm").equals("ok"));

        for (int i = 0; i < 20; i++) {
            assertThat(ledger.lookup("a" + i)).isEqualTo("ok");
        }
        assertThat(count(dropping, "lookup")).as("some lookups first went to the dropping server").isPositive();

        // Where each transfer goes depends on the round-robin turn and on any 2 s ejection after a
        // connect failure; 20 may all miss the dropping server (30 did once in AsyncCallsTest on
        // JDK 25), so they go on, bounded in count and time, until one has met it.
        int failed = 0;
        int succeeded = 0;
        long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        for (int i = 0; i < 20 || failed == 0 && i < 3_000 && System.nanoTime() < giveUp; i++) {
            try {
                assertThat(ledger.transfer("t" + i)).isEqualTo("ok");
                succeeded++;
            } catch (SwivelException e) {
                assertThat(e).hasMessageContaining("may have run");
                failed++;
            }
        }
        assertThat(failed).as("transfers that hit the dropping server fail").isPositive();
        assertThat(count(dropping, "transfer")).as("each failed transfer was sent once, to the dropping server")
                .isEqualTo(failed);
        assertThat(count(healthy, "transfer")).as("no failed transfer was sent again elsewhere").isEqualTo(succeeded);
    }

    @Test
    void aServerThatRefusedConnectionsIsEjectedThenProbedBackWhenItReturns() throws Exception {
        int downPort;
        try (ServerSocket reserve = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            downPort = reserve.getLocalPort();
        }
        ScriptedServer healthy = closing(ScriptedServer.start(Ledger.class, request -> new Answer("b")));
        String zookeeper = registerAll(downPort, healthy.port());
        Ledger ledger = closing(SwivelClient.builder().zookeeper(zookeeper).balancer(Balancers.ROUND_ROBIN)
                .timeout(Duration.ofSeconds(5)).build()).proxy(Ledger.class);
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> ledger.transfer("warm").equals("b"));

        // Every call succeeds: the refused connection means the call never left, so even a
        // non-idempotent transfer goes to the other server; the refusing one is ejected.
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertThat(ledger.transfer("t" + i)).isEqualTo("b");
        }
        ScriptedServer back = closing(ScriptedServer.startOn(downPort, Ledger.class, request -> new Answer("a")));
        List<String> answers = new ArrayList<>();
        await().atMost(Duration.ofSeconds(6)).until(() -> {
            answers.add(ledger.transfer("probe"));
            return back.requests().size() > 0;
        });
        long probedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(answers).containsOnly("a", "b");
        assertThat(probedAfter).as("not probed before its 2 s ejection ends").isGreaterThanOrEqualTo(1900);
        System.out.printf("ejected server probed back %d ms after the calls began (ejection 2 s)%n", probedAfter);
        // once back, it takes its share again
        for (int i = 0; i < 10; i++) {
            ledger.transfer("after" + i);
        }
        assertThat(back.requests().size()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void whenTheRetryBudgetIsSpentRefusalsAreReportedNotRetried() throws Exception {
        ScriptedServer server = closing(ScriptedServer.start(Ledger.class, request -> new Refuse(Status.OVERLOADED)));
        Ledger ledger = direct(server, Duration.ofMillis(500), Duration.ofSeconds(5)).proxy(Ledger.class);

        for (int i = 0; i < 200; i++) {
            assertThatThrownBy(() -> ledger.lookup("a")).isInstanceOf(SwivelException.class)
                    .satisfies(e -> assertThat(((SwivelException) e).status()).isEqualTo(Status.OVERLOADED));
        }
        // 200 first attempts, plus the 100 retries of a full budget, and no more
        assertThat(server.requests()).hasSize(300);

        server.script(request -> new Answer("fine"));
        for (int i = 0; i < 10; i++) {
            assertThat(ledger.lookup("a")).isEqualTo("fine");
        }
        // ten successes buy back one retry
        server.script(request -> new Refuse(Status.OVERLOADED));
        int before = server.requests().size();
        assertThatThrownBy(() -> ledger.lookup("a")).isInstanceOf(SwivelException.class);
        assertThat(server.requests().size() - before).isEqualTo(2);
        assertThatThrownBy(() -> ledger.lookup("a")).isInstanceOf(SwivelException.class);
        assertThat(server.requests().size() - before).isEqualTo(3);
    }

    /** Starts a ZooKeeper and registers Ledger at each port as a Swivel server would. */
    private String registerAll(int... ports) throws Exception {
        EmbeddedZooKeeper zk = closing(EmbeddedZooKeeper.start(temp.resolve("zk"), "127.0.0.1", 0));
        for (int port : ports) {
            CuratorFramework curator = closing(ZooKeeperClients.connect(zk.connectString(), Duration.ofSeconds(10),
                    Duration.ofSeconds(5)));
            ServiceRegistrar registrar = closing(new ServiceRegistrar(curator, "127.0.0.1", port, Duration.ofSeconds(1)));
            registrar.publish(Map.of(Ledger.class.getName(), new BundleVersion("ledger", "1.0.0", 1)));
        }
        return zk.connectString();
    }
}
