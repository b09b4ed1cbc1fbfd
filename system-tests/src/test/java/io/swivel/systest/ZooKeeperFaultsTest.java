package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.SwivelClient;
import io.swivel.systest.api.Echo;
import io.swivel.systest.zk.ZooKeeperProcess;
import io.swivel.systest.zk.ZooKeeperView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper trouble does not stop calls and does not lose registrations: a server registered in
 * an external ZooKeeper process whose sessions are expired by force, then which is killed for 30 s
 * and started again on the same port with the same data.
 */
@Timeout(180)
class ZooKeeperFaultsTest {

    private static final String ECHO = Echo.class.getName();
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static ZooKeeperProcess zk;
    static ServerProcess server;
    static String serverId;

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeeperProcess.start("zk-faults-zk", root.resolve("zk"), ServerProcess.logFile("zk-faults-zk"));
        Path deploy = Files.createDirectories(root.resolve("zk-faults/deploy"));
        Files.copy(SystestBundles.echo(root.resolve("work"), "1.0.0"), deploy.resolve("echo.jar"));
        server = ServerProcess.start("zk-faults", deploy, root.resolve("zk-faults/data"), zk.connectString(),
                List.of("--zk-session-timeout", SESSION_TIMEOUT.toSeconds() + "s", "--probation", "0s"));
        serverId = "127.0.0.1:" + server.rpc().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void registrationsComeBackAfterSessionExpiry() throws Exception {
        try (ZooKeeperView view = new ZooKeeperView(zk.connectString());
             SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort()).build();
             Caller caller = Caller.start("session-expiry", () -> client.proxy(Echo.class).whoAmI(), Set.of("zk-faults 1.0.0"))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> view.owner(ECHO, serverId) != 0);
            long session = view.owner(ECHO, serverId);

            long expiredAt = System.nanoTime();
            assertThat(zk.expireAll()).as("sessions expired").isPositive();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> view.owner(ECHO, serverId) != 0 && view.owner(ECHO, serverId) != session);
            long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - expiredAt);
            assertThat(view.payload(ECHO, serverId)).containsEntry("bundle", "echo").containsEntry("version", "1.0.0");

            caller.close();
            System.out.printf("SYSTEST zk-session-expiry: registration back under a new session %d ms after the "
                    + "expiry; %d calls meanwhile, %d problems%n", backMillis, caller.calls(), caller.problems().size());
            assertThat(caller.problems()).isEmpty();
        }
    }

    @Test
    void callsGoOnWhileZooKeeperIsDownAndRegistrationsReturnWithIt() throws Exception {
        try (ZooKeeperView view = new ZooKeeperView(zk.connectString());
             SwivelClient discovering = SwivelClient.builder().zookeeper(zk.connectString()).build();
             SwivelClient direct = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort()).build()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> view.instanceIds(ECHO).contains(serverId));
            Echo viaZooKeeper = discovering.proxy(Echo.class);
            Echo viaAddress = direct.proxy(Echo.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> "zk-faults 1.0.0".equals(viaZooKeeper.whoAmI()));
            try (Caller discoveredCalls = Caller.start("via-zookeeper", viaZooKeeper::whoAmI, Set.of("zk-faults 1.0.0"));
                 Caller directCalls = Caller.start("via-address", () -> viaAddress.record("x"), Set.of("zk-faults 1.0.0:x"))) {
                int logBefore = server.output().length();
                zk.kill();
                long downAt = System.nanoTime();
                long discoveredBefore = discoveredCalls.calls();
                long directBefore = directCalls.calls();
                // The whole outage: every call on both clients keeps succeeding.
                await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> discoveredCalls.problems().isEmpty() && directCalls.problems().isEmpty());
                long discoveredDuring = discoveredCalls.calls() - discoveredBefore;
                long directDuring = directCalls.calls() - directBefore;
                long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downAt);

                System.out.println("SYSTEST zk-outage: restarting ZooKeeper at " + java.time.Instant.now());
                zk.restart();
                long upAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    Map<String, Object> payload = view.payload(ECHO, serverId);
                    assertThat(payload).isNotNull();
                    assertThat(payload).containsEntry("bundle", "echo").containsEntry("version", "1.0.0");
                });
                long restoredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upAt);
                // And the registration stays (an old session expiring later must not take it away).
                await().during(SESSION_TIMEOUT.plusSeconds(2)).atMost(SESSION_TIMEOUT.plusSeconds(10))
                        .until(() -> view.instanceIds(ECHO).contains(serverId));

                // The server's log of it: one line per fault (unreachable, session lost), one when it is over.
                await().atMost(Duration.ofSeconds(10)).until(() -> server.output().substring(logBefore).contains("is back after"));
                List<String> outage = server.output().substring(logBefore).lines().toList();
                System.out.println("SYSTEST zk-outage: the server's log meanwhile:\n  " + String.join("\n  ", outage));
                assertThat(outage).as("no stack trace").noneMatch(line -> line.matches("\\s+at .*|Caused by: .*"));
                assertThat(outage.stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList())
                        .as("warnings: one per fault").hasSize(2)
                        .anyMatch(line -> line.contains("Registration - ZooKeeper at " + zk.connectString() + " does not answer"))
                        .anyMatch(line -> line.contains("Registration - ZooKeeper session lost"));
                assertThat(outage.stream().filter(line -> line.contains("is back after")).toList()).hasSize(1)
                        .allMatch(line -> line.matches(".* INFO  Registration - ZooKeeper at \\S+ is back after \\d+\\.\\d s; "
                                + "new session, this server's registrations are written again"));

                discoveredCalls.close();
                directCalls.close();
                System.out.printf("SYSTEST zk-outage: ZooKeeper down %d ms: %d calls through the discovering client and "
                                + "%d through the fixed-address client meanwhile, %d problems; registration back %d ms "
                                + "after ZooKeeper returned%n", outageMillis, discoveredDuring, directDuring,
                        discoveredCalls.problemCount() + directCalls.problemCount(), restoredMillis);
                assertThat(discoveredCalls.problems()).isEmpty();
                assertThat(directCalls.problems()).isEmpty();
                assertThat(discoveredDuring).as("calls through the discovering client during the outage").isPositive();
                assertThat(directDuring).as("calls through the fixed-address client during the outage").isPositive();
            }
        }
    }
}
