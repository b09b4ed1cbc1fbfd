package io.swivel.client.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.swivel.client.CallScope;
import io.swivel.client.RemoteServiceException;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.client.balance.Balancers;
import io.swivel.client.failover.ScriptedServer.Action;
import io.swivel.client.failover.ScriptedServer.Answer;
import io.swivel.client.failover.ScriptedServer.Drop;
import io.swivel.client.failover.ScriptedServer.Hold;
import io.swivel.client.failover.ScriptedServer.Ignore;
import io.swivel.client.failover.ScriptedServer.Refuse;
import io.swivel.client.failover.ScriptedServer.Throw;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.Status;
import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ServiceRegistrar;
import io.swivel.registry.ServiceRegistrar.BundleVersion;
import io.swivel.registry.ZooKeeperClients;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code client.async(() -> proxy.method(...))} against peers on real loopback sockets: thousands
 * of calls in flight from one thread without a thread per call, the deadline of the scope, the
 * same exceptions as a blocking call, failover and balancing behind ZooKeeper, and lambdas that
 * are refused before anything is sent.
 */
@Timeout(120)
class AsyncCallsTest {

    private static final int IN_FLIGHT = 2000;

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

    private ScriptedServer server(Function<RequestFrame, Action> script) throws InterruptedException {
        return closing(ScriptedServer.start(Accounts.class, script));
    }

    private SwivelClient direct(ScriptedServer server) {
        return closing(SwivelClient.builder().address("127.0.0.1", server.port()).timeout(Duration.ofSeconds(5)).build());
    }

    private static long count(ScriptedServer server, String method) {
        return server.requests().stream().filter(r -> r.methodKey().startsWith(method + "(")).count();
    }

    /** The exception a future failed with, as {@code get} reports it. */
    private static Throwable failure(CompletableFuture<?> future) {
        Throwable thrown = catchThrowable(() -> future.get(20, TimeUnit.SECONDS));
        assertThat(thrown).as("the future failed").isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    @Test
    void twoThousandCallsAreInFlightFromOneThreadWithoutAThreadPerCall() throws Exception {
        ScriptedServer server = server(request -> new Answer("warm"));
        // A long heartbeat: with paranoid leak detection on a shared machine this peer reads the
        // 2,000 frames in seconds, and its pongs queue behind them (heartbeats are FailoverTest's).
        SwivelClient client = closing(SwivelClient.builder().address("127.0.0.1", server.port()).ioThreads(1)
                .heartbeat(Duration.ofSeconds(10)).maxInFlightPerConnection(IN_FLIGHT + 100)
                .timeout(Duration.ofSeconds(60)).build());
        Accounts accounts = client.proxy(Accounts.class);
        assertThat(client.async(() -> accounts.lookup("warm")).get(10, TimeUnit.SECONDS)).isEqualTo("warm");

        // The server answers nothing until it holds all 2,000: if issuing a call waited for its
        // answer, the 2nd call would never be sent and the first would fail at its 60 s deadline.
        server.script(request -> new Hold());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();
        List<CompletableFuture<String>> calls = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < IN_FLIGHT; i++) {
            String account = "a" + i;
            calls.add(client.async(() -> accounts.lookup(account)));
        }
        long issuedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        await().pollInSameThread().atMost(Duration.ofSeconds(50)).until(() -> server.held() == IN_FLIGHT);
        long allArrivedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int peakThreads = threads.getPeakThreadCount();
        assertThat(calls).as("no call is answered while the server holds them").noneMatch(CompletableFuture::isDone);

        assertThat(server.answerHeld(args -> "balance of " + args[0])).isEqualTo(IN_FLIGHT);
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < IN_FLIGHT; i++) {
            assertThat(calls.get(i).join()).isEqualTo("balance of a" + i);
        }
        System.out.printf("%d async calls issued from one thread in %d ms, all %d held by the server after %d ms; "
                + "threads %d before, peak %d while they were in flight%n", IN_FLIGHT, issuedMillis, IN_FLIGHT,
                allArrivedMillis, threadsBefore, peakThreads);
        assertThat(peakThreads - threadsBefore).as("threads started while %d calls were in flight", IN_FLIGHT)
                .isLessThanOrEqualTo(1);
    }

    @Test
    void theDeadlineOfTheScopeFailsTheFutureAsItFailsABlockingCall() throws Exception {
        ScriptedServer server = server(request -> new Ignore());
        SwivelClient client = direct(server);
        Accounts accounts = client.proxy(Accounts.class);

        long start = System.nanoTime();
        CompletableFuture<String> call;
        try (CallScope scope = SwivelClient.withTimeout(Duration.ofMillis(300))) {
            call = client.async(() -> accounts.lookup("a"));
        }
        Throwable async = failure(call);
        long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Throwable blocking;
        try (CallScope scope = SwivelClient.withTimeout(Duration.ofMillis(300))) {
            blocking = catchThrowable(() -> accounts.lookup("a"));
        }

        assertThat(async).isExactlyInstanceOf(SwivelException.class)
                .hasMessageContaining("lookup(java.lang.String) got no answer within its deadline of 300 ms "
                        + "(attempt 1, on 127.0.0.1:" + server.port() + ")");
        assertThat(((SwivelException) async).status()).isEqualTo(Status.DEADLINE_EXCEEDED);
        assertThat(blocking).isExactlyInstanceOf(async.getClass()).hasMessage(async.getMessage());
        assertThat(failedAfterMillis).as("failed at the scope's 300 ms, not the client's 5 s")
                .isGreaterThanOrEqualTo(300).isLessThan(4000);
        assertThat(count(server, "lookup")).as("a deadline is not retried").isEqualTo(2);
    }

    @Test
    void callbacksOfFailedCallsRunOnTheCallbackExecutorNotOnTheEventLoop() throws Exception {
        ScriptedServer server = server(request -> new Ignore());
        SwivelClient client = direct(server);
        Accounts accounts = client.proxy(Accounts.class);
        CompletableFuture<String> anyMethod;
        CompletableFuture<String> twin;
        try (CallScope scope = SwivelClient.withTimeout(Duration.ofSeconds(1))) {
            anyMethod = client.async(() -> accounts.lookup("a")).handle((value, error) -> Thread.currentThread().getName());
            twin = accounts.lookupAsync("a").handle((value, error) -> Thread.currentThread().getName());
        }
        // A deadline fails the call on the I/O thread; a callback that blocked there would stall every connection on it.
        assertThat(anyMethod.get(20, TimeUnit.SECONDS)).startsWith("swivel-client-callback");
        assertThat(twin.get(20, TimeUnit.SECONDS)).startsWith("swivel-client-callback");
    }

    @Test
    void callbacksThatWaitOnEachOthersAnswersReadTogetherBothComplete() throws Exception {
        ScriptedServer server = server(request -> new Hold());
        SwivelClient client = closing(SwivelClient.builder().address("127.0.0.1", server.port()).ioThreads(1)
                .timeout(Duration.ofSeconds(30)).build());
        Accounts accounts = client.proxy(Accounts.class);
        CompletableFuture<String> a = client.async(() -> accounts.lookup("a"));
        CompletableFuture<String> b = client.async(() -> accounts.lookup("b"));
        // Whichever answer completes first, its callback blocks until the other one has completed:
        // answers completed one after another on one thread would never get to the second.
        CompletableFuture<String> aThenB = a.thenApply(value -> value + " then " + b.join());
        CompletableFuture<String> bThenA = b.thenApply(value -> value + " then " + a.join());
        await().atMost(Duration.ofSeconds(20)).until(() -> server.held() == 2);

        assertThat(server.answerHeld(args -> "balance of " + args[0])).isEqualTo(2);
        assertThat(aThenB.get(20, TimeUnit.SECONDS)).isEqualTo("balance of a then balance of b");
        assertThat(bThenA.get(20, TimeUnit.SECONDS)).isEqualTo("balance of b then balance of a");
    }

    @Test
    void everyFailureArrivesAsTheExceptionABlockingCallThrows() throws Exception {
        ScriptedServer server = server(request -> new Answer("unused"));
        SwivelClient client = direct(server);
        Accounts accounts = client.proxy(Accounts.class);
        List<Action> failures = List.of(new Refuse(Status.NOT_FOUND), new Refuse(Status.BAD_REQUEST),
                new Refuse(Status.INTERNAL), new Refuse(Status.OVERLOADED), new Refuse(Status.RELOADING), new Drop(),
                new Throw(new IllegalStateException("account a is frozen")));
        for (Action action : failures) {
            server.script(request -> action);
            Throwable blocking = catchThrowable(() -> accounts.transfer("a"));
            Throwable async = failure(client.async(() -> accounts.transfer("a")));
            assertThat(async).as("%s", action).isExactlyInstanceOf(blocking.getClass()).hasMessage(blocking.getMessage());
            assertThat(((SwivelException) async).status()).as("%s", action).isEqualTo(((SwivelException) blocking).status());
        }
        server.script(request -> new Throw(new IllegalStateException("account a is frozen")));
        assertThat(failure(client.async(() -> accounts.transfer("a"))))
                .isInstanceOfSatisfying(RemoteServiceException.class, e -> {
                    assertThat(e.remoteType()).isEqualTo(IllegalStateException.class.getName());
                    assertThat(e.remoteMessage()).isEqualTo("account a is frozen");
                });
        server.script(request -> new Drop());
        assertThat(failure(client.async(() -> accounts.transfer("a"))))
                .hasMessageContaining("is not @Idempotent, so it is not retried: it may have run");
    }

    @Test
    void behindZooKeeperAsyncCallsFailOverAndBalanceAsBlockingCallsDo() throws Exception {
        ScriptedServer dropping = server(request -> new Drop());
        ScriptedServer healthy = server(request -> new Answer("ok"));
        int downPort;
        try (ServerSocket reserve = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            downPort = reserve.getLocalPort();
        }
        String zookeeper = registerAll(dropping.port(), healthy.port(), downPort);
        SwivelClient client = closing(SwivelClient.builder().zookeeper(zookeeper).balancer(Balancers.ROUND_ROBIN)
                .timeout(Duration.ofSeconds(5)).build());
        Accounts accounts = client.proxy(Accounts.class);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> client.async(() -> accounts.lookup("warm")).get(5, TimeUnit.SECONDS).equals("ok"));

        // Idempotent lookups that meet the dropping server or the refused port move on: all succeed.
        List<CompletableFuture<String>> lookups = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String account = "a" + i;
            lookups.add(client.async(() -> accounts.lookup(account)));
        }
        for (CompletableFuture<String> lookup : lookups) {
            assertThat(lookup.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(count(dropping, "lookup")).as("some lookups first went to the dropping server").isPositive();

        // A transfer that may have run on the dropping server is not sent again; the others succeed.
        // One at a time: a drop fails every call on that connection, sent or still on its way. In
        // one CI run on JDK 25 none of 30 transfers met the dropping server (the round-robin turn
        // and a 2 s ejection after any connect failure decide where each goes; which of the two kept
        // them away was not found), so they go on, bounded in count and time, until one has met it.
        int failed = 0;
        int succeeded = 0;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int i = 0; i < 30 || failed == 0 && i < 3_000 && System.nanoTime() < giveUp; i++) {
            String account = "t" + i;
            CompletableFuture<String> transfer = client.async(() -> accounts.transfer(account));
            Throwable error = catchThrowable(() -> transfer.get(20, TimeUnit.SECONDS));
            if (error == null) {
                assertThat(transfer.join()).isEqualTo("ok");
                succeeded++;
            } else {
                assertThat(error.getCause()).isExactlyInstanceOf(SwivelException.class)
                        .hasMessageContaining("may have run");
                failed++;
            }
        }
        assertThat(failed).as("transfers that hit the dropping server fail").isPositive();
        assertThat(count(dropping, "transfer")).as("each failed transfer was sent once, to the dropping server")
                .isEqualTo(failed);
        assertThat(count(healthy, "transfer")).as("no failed transfer was sent again elsewhere").isEqualTo(succeeded);
    }

    @Test
    void roundRobinSpreadsAsyncCallsEvenly() throws Exception {
        ScriptedServer a = server(request -> new Answer("a"));
        ScriptedServer b = server(request -> new Answer("b"));
        SwivelClient client = closing(SwivelClient.builder().zookeeper(registerAll(a.port(), b.port()))
                .balancer(Balancers.ROUND_ROBIN).build());
        Accounts accounts = client.proxy(Accounts.class);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            accounts.lookup("warm");
            return a.requests().size() > 0 && b.requests().size() > 0;
        });
        int aBefore = a.requests().size();
        int bBefore = b.requests().size();
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(client.async(() -> accounts.lookup("x")));
        }
        List<String> answers = new ArrayList<>();
        for (CompletableFuture<String> call : calls) {
            answers.add(call.get(20, TimeUnit.SECONDS));
        }
        assertThat(answers).filteredOn("a"::equals).hasSize(20);
        assertThat(a.requests().size() - aBefore).isEqualTo(20);
        assertThat(b.requests().size() - bBefore).isEqualTo(20);
    }

    @Test
    void primitiveAndVoidMethodsWork() throws Exception {
        ScriptedServer server = server(request -> request.methodKey().startsWith("count(") ? new Answer(42)
                : new Answer(null));
        SwivelClient client = direct(server);
        Accounts accounts = client.proxy(Accounts.class);
        CompletableFuture<Integer> count = client.async(() -> accounts.count("a"));
        assertThat(count.get(10, TimeUnit.SECONDS)).isEqualTo(42);
        CompletableFuture<Void> audited = client.async(() -> {
            accounts.audit("opened");
        });
        assertThat(audited.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(count(server, "audit")).isEqualTo(1);
    }

    @Test
    void aLambdaThatIsNotOneProxyCallIsRefusedBeforeAnythingIsSent() throws Exception {
        ScriptedServer server = server(request -> new Answer("7"));
        SwivelClient client = direct(server);
        Accounts accounts = client.proxy(Accounts.class);

        assertThatThrownBy(() -> client.async(() -> "not a call")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("made no call on a Swivel proxy");
        assertThatThrownBy(() -> client.async(() -> accounts.lookup("a") + accounts.lookup("b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("called lookup and then lookup");
        assertThatThrownBy(() -> client.async(() -> accounts.lookup("a").length()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threw after its proxy call lookup returned a placeholder (null, 0 or false): "
                        + "java.lang.NullPointerException");
        assertThatThrownBy(() -> client.async(() -> accounts.count("a") + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("returned 1, not the result of its proxy call count");
        assertThatThrownBy(() -> client.async(() -> accounts.lookupAsync("a"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lookupAsync already returns a CompletableFuture: call it directly");
        assertThatThrownBy(() -> client.async(() -> client.async(() -> accounts.lookup("a"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside the lambda of another client.async");
        Supplier<String> failsFirst = () -> accounts.lookup(String.valueOf(Integer.parseInt("x")));
        assertThatThrownBy(() -> client.async(failsFirst)).as("the lambda's own error, before any call, is its own")
                .isExactlyInstanceOf(NumberFormatException.class);
        assertThat(server.requests()).as("nothing was sent").isEmpty();

        // the thread is left as it was: blocking calls and the twin method work
        assertThat(accounts.lookup("a")).isEqualTo("7");
        assertThat(accounts.lookupAsync("a").get(10, TimeUnit.SECONDS)).isEqualTo("7");
        assertThat(client.async(() -> accounts.lookup("a")).get(10, TimeUnit.SECONDS)).isEqualTo("7");
    }

    /** Starts a ZooKeeper and registers Accounts at each port as a Swivel server would. */
    private String registerAll(int... ports) throws Exception {
        EmbeddedZooKeeper zk = closing(EmbeddedZooKeeper.start(temp.resolve("zk"), "127.0.0.1", 0));
        for (int port : ports) {
            CuratorFramework curator = closing(ZooKeeperClients.connect(zk.connectString(), Duration.ofSeconds(10),
                    Duration.ofSeconds(5)));
            ServiceRegistrar registrar = closing(new ServiceRegistrar(curator, "127.0.0.1", port, Duration.ofSeconds(1)));
            registrar.publish(Map.of(Accounts.class.getName(), new BundleVersion("accounts", "1.0.0", 1)));
        }
        return zk.connectString();
    }
}
