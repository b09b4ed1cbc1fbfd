package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.server.leftover.Leaver;
import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an unloaded bundle left behind is found, removed where it can be, and reported: a
 * {@code ThreadLocal} value set on an I/O thread by a {@code Swivel-Dispatch: direct} call is
 * cleared on that thread, a thread the bundle started itself is interrupted; either way the
 * loader is then collected (the tracker's weak reference clears).
 */
@Timeout(90)
class BundleLeftoversTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    private static final String SERVICE = """
            package io.swivel.server.leftover.impl;

            import io.swivel.api.RpcService;
            import io.swivel.server.leftover.Leaver;
            import java.util.concurrent.CountDownLatch;

            @RpcService
            public class LeaverService implements Leaver {
                private static final ThreadLocal<LeaverService> MINE = new ThreadLocal<>();

                public String setThreadLocal() {
                    MINE.set(new LeaverService());
                    return Thread.currentThread().getName();
                }

                public String startThread(String name) {
                    Thread thread = new Thread(() -> {
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, name);
                    thread.setDaemon(true);
                    thread.start();
                    return name;
                }
            }
            """;

    @TempDir
    Path root;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private Path leaver(Map<String, String> attributes) throws URISyntaxException {
        Path classes = JavaSources.compile(root.resolve("classes"),
                Map.of("io.swivel.server.leftover.impl.LeaverService", SERVICE), List.of());
        JarBuilder jar = new JarBuilder().bundle("leaver", "1").addTree(classes)
                .add(Leaver.class.getName().replace('.', '/') + ".class",
                        Path.of(Leaver.class.getResource("Leaver.class").toURI()));
        attributes.forEach(jar::attribute);
        return jar.write(root.resolve("leaver.jar"));
    }

    private static void awaitCollected(LiveServer live) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            System.gc();
            return live.server.leakTracker().uncollected().isEmpty();
        });
    }

    @Test
    void aThreadLocalSetOnAnIoThreadByADirectCallIsClearedAtUnloadAndTheLoaderIsCollected() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            live.moveIn(leaver(Map.of("Swivel-Dispatch", "direct")), "leaver.jar");
            Leaver leaver = live.proxy(Leaver.class);
            String thread = await().atMost(WITHIN).ignoreExceptions().until(leaver::setThreadLocal, t -> t != null);
            assertThat(thread).startsWith("swivel-rpc-io-");

            Files.delete(live.deploy.resolve("leaver.jar"));
            await().atMost(WITHIN).until(() -> !logs.messages("leaver 1 unloaded").isEmpty());
            assertThat(logs.messages("cleared")).singleElement().asString()
                    .isEqualTo("leaver 1: cleared 1 ThreadLocal value(s) of its classes left on server threads "
                            + "(call ThreadLocal.remove() when done, or the value pins the bundle)");
            awaitCollected(live);
            assertThat(live.server.metrics().scrape(null).body()).contains("swivel_bundle_violations_total{bundle=\"leaver\",kind=\"thread_local_cleared\"} 1.0");
        }
    }

    @Test
    void aThreadTheBundleStartedItselfIsInterruptedReportedAndTheLoaderCollectedOnceItEnds() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            live.moveIn(leaver(Map.of()), "leaver.jar");
            Leaver leaver = live.proxy(Leaver.class);
            await().atMost(WITHIN).ignoreExceptions().until(() -> leaver.startThread("leaver-own").equals("leaver-own"));

            Files.delete(live.deploy.resolve("leaver.jar"));
            await().atMost(WITHIN).until(() -> !logs.messages("leaver 1 unloaded").isEmpty());
            assertThat(logs.messages("leaver-own")).singleElement().asString()
                    .isEqualTo("leaver 1: thread 'leaver-own' (its context classloader is the bundle's) was running at "
                            + "unload; interrupted, it ended; start threads through BundleContext.newExecutor/newScheduler, "
                            + "which stop on unload");
            assertThat(live.server.deployer().events().latest(50)).anySatisfy(event -> {
                assertThat(event.type()).isEqualTo("leak_reported");
                assertThat(event.message()).startsWith("leaver 1 left behind: thread 'leaver-own'");
            });
            awaitCollected(live);
            assertThat(live.server.metrics().scrape(null).body()).contains("swivel_bundle_violations_total{bundle=\"leaver\",kind=\"thread_left\"} 1.0");
        }
    }
}
