package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.samples.greeter.Greeter;
import io.swivel.server.internal.deploy.BundleView;
import io.swivel.server.internal.deploy.HistoryEntry;
import io.swivel.server.probe.ProbeBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code swivel rollback} from standby and from history, the {@code .rolledback} marker, state across restarts. */
@Timeout(120)
class RollbackTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void rollbackFromStandbyIsOneSwitchAndTheRolledBackJarIsNotDeployedAgain() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofMinutes(5))) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            Path jar = live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            await().atMost(WITHIN).until(() -> live.status("greeter").standby() != null
                    && live.status("greeter").standby().state().equals("STANDBY"));
            assertThat(live.status("greeter").standby().version()).isEqualTo("1.0.0");
            assertThat(live.status("greeter").probationEndsAt()).isNotNull();

            LiveServer.Cli rollback = live.cli("rollback", "greeter");
            assertThat(rollback.status()).as(rollback.err()).isZero();
            assertThat(rollback.out()).contains("greeter 2.0.0 → 1.0.0 rolled back from standby in ");
            // the switch happened before the command returned: the very next call is v1
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(live.marker("greeter.jar", ".rolledback")).content()
                    .contains("rolled back by: admin API (swivel rollback)")
                    .contains("from: greeter 2.0.0")
                    .contains("to: greeter 1.0.0")
                    .contains("not deployed again until its content changes");
            assertThat(live.marker("greeter.jar", ".deployed")).doesNotExist();
            BundleView status = live.status("greeter");
            assertThat(status.active().version()).isEqualTo("1.0.0");
            assertThat(status.standby()).isNull();
            assertThat(status.rolledBack().fromVersion()).isEqualTo("2.0.0");

            // the jar still holds 2.0.0: handing it to the deployer again changes nothing
            assertThat(live.server.deployer().deploy(jar)).isFalse();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");

            LiveServer.Cli status2 = live.cli("status");
            String when = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)"; // whole seconds
            assertThat(status2.out()).contains("rolled back from 2.0.0 to 1.0.0 by admin API")
                    .containsPattern("rolled back from 2\\.0\\.0 to 1\\.0\\.0 by admin API \\(swivel rollback\\) at " + when + ";")
                    .containsPattern("history, newest first: 2\\.0\\.0 \\(" + when + "\\), 1\\.0\\.0 \\(" + when + "\\)");

            // the replaced 2.0.0 drained and unloaded
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc();
                return live.server.leakTracker().uncollected().isEmpty();
            });
        }
    }

    @Test
    void rollbackFromHistoryLoadsTheVersionAgainAndRollForwardClearsTheMarker() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofMillis(300))) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            // probation passes and the standby is released: a rollback now loads 1.0.0 from history
            await().atMost(WITHIN).until(() -> live.status("greeter").standby() == null);

            LiveServer.Cli back = live.cli("rollback", "greeter");
            assertThat(back.status()).as(back.err()).isZero();
            assertThat(back.out()).contains("greeter 2.0.0 → 1.0.0 rolled back from history");
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(live.marker("greeter.jar", ".rolledback")).exists();

            LiveServer.Cli nothing = live.cli("rollback", "greeter");
            assertThat(nothing.status()).isEqualTo(1);
            assertThat(nothing.err().trim()).isEqualTo("swivel: greeter 1.0.0 has no earlier version to roll back to "
                    + "(history: [2.0.0, 1.0.0])");
            LiveServer.Cli unknown = live.cli("rollback", "greeter", "--to", "9.9.9");
            assertThat(unknown.status()).isEqualTo(1);
            assertThat(unknown.err()).contains("no version 9.9.9 of greeter in history; versions kept: [2.0.0, 1.0.0]");
            LiveServer.Cli noBundle = live.cli("rollback", "nosuch");
            assertThat(noBundle.err().trim()).isEqualTo("swivel: no bundle nosuch serves here; bundles: [greeter]");

            // forward again to the jar's own content: the marker says deployed again
            LiveServer.Cli forward = live.cli("rollback", "greeter", "--to", "2.0.0");
            assertThat(forward.status()).as(forward.err()).isZero();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v2)");
            assertThat(live.marker("greeter.jar", ".deployed")).content().contains("version: 2.0.0");
            assertThat(live.marker("greeter.jar", ".rolledback")).doesNotExist();
            assertThat(live.status("greeter").rolledBack()).isNull();
        }
    }

    @Test
    void aRestartServesWhatServedBeforeIncludingARollbackUntilTheJarChanges() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            assertThat(live.cli("rollback", "greeter").status()).isZero();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
        }
        assertThat(root.resolve("data/state.json")).content().contains("\"rolledBack\"").contains("greeter.jar");

        try (LiveServer restarted = LiveServer.start(root, c -> { })) {
            Greeter greeter = restarted.proxy(Greeter.class);
            // served from the first moment, without waiting for the watcher
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(restarted.marker("greeter.jar", ".rolledback")).content().contains("to: greeter 1.0.0");
            assertThat(restarted.status("greeter").history()).extracting(HistoryEntry::version)
                    .containsExactly("2.0.0", "1.0.0");

            // new content in the jar deploys as usual
            restarted.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).until(() -> Files.exists(restarted.marker("greeter.jar", ".deployed")));
            assertThat(restarted.marker("greeter.jar", ".rolledback")).doesNotExist();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
        }

        try (LiveServer again = LiveServer.start(root, c -> { })) {
            assertThat(again.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(again.marker("greeter.jar", ".deployed")).exists();
        }
    }

    @Test
    void historyKeepsTheLastVersionsOnly() throws Exception {
        Path work = root.resolve("work");
        List<Path> jars = Stream.of("1", "2", "3", "4").map(v -> ProbeBundles.build(work,
                work.resolve("probe-" + v + ".jar"), ProbeBundles.Options.healthy(v))).toList();
        try (LiveServer live = LiveServer.start(root, c -> {
            c.historyLimit = 2;
            c.probation = Duration.ZERO;
        })) {
            for (Path jar : jars) {
                String version = jar.getFileName().toString().replace("probe-", "").replace(".jar", "");
                live.moveIn(jar, "probe.jar");
                await().atMost(WITHIN).until(() -> live.server.deployer().status("probe")
                        .map(view -> view.active() != null && view.active().version().equals(version)).orElse(false));
            }
            // the history entry of a version is written just after it became active (seen once under load)
            await().atMost(WITHIN).untilAsserted(() -> assertThat(live.status("probe").history())
                    .extracting(HistoryEntry::version).containsExactly("4", "3"));
            await().atMost(WITHIN).untilAsserted(() -> {
                try (Stream<Path> files = Files.list(root.resolve("data/history/probe"))) {
                    assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                            .hasSize(2).allMatch(name -> name.startsWith("3-") || name.startsWith("4-"));
                }
            });
            assertThat(live.cli("rollback", "probe", "--to", "1").err()).contains("versions kept: [4, 3]");
            LiveServer.Cli back = live.cli("rollback", "probe");
            assertThat(back.status()).as(back.err()).isZero();
            assertThat(back.out()).contains("probe 4 → 3 rolled back from history");
        }
    }
}
