package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.server.cli.SwivelMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's shell examples, read from README.md itself and run against a real
 * {@code swivel serve --with-samples} process, so that the README and what a user sees cannot
 * drift apart. Every fenced block right after a {@code <!-- readme-example ... -->} line (an HTML
 * comment: a reader of the rendered page does not see it) is a session: each {@code $ } line is
 * run with bash in a directory laid out as the checkout (its {@code deploy-dir/}, {@code .swivel/},
 * {@code samples/<module>/target/*.jar} and a {@code ./swivel} that runs the CLI), and what it
 * prints must be the lines under it. In those lines {@code …} stands for any text, and times
 * (ISO instants, {@code 2026-11-20 23:06:09Z}) for any time. A read-only command ({@code call},
 * {@code status}, {@code cat}) is repeated for up to 20 s until it prints that, as a user would
 * look again while a jar deploys; any other command runs once.
 */
@Timeout(240)
class ReadmeExamplesTest {

    static final String MARKER = "<!-- readme-example";
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    private static final Pattern READABLE = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    private static final String VERSION = "0.1.0-SNAPSHOT";

    @TempDir
    Path root;

    /** One {@code $ } line and the lines it must print. */
    record Step(String command, List<String> expected) {
    }

    @Test
    void theTourPrintsWhatTheReadmeSays() throws Exception {
        Path readme = Path.of(System.getProperty("swivel.home", ".."), "README.md");
        List<List<Step>> sessions = sessions(Files.readString(readme));
        assertThat(sessions).as("marked blocks in %s", readme).hasSizeGreaterThanOrEqualTo(2);
        assertThat(sessions.get(0).get(0).command()).startsWith("./swivel call io.swivel.samples.greeter.Greeter greet");

        Path work = checkoutLayout();
        // `./swivel serve --with-samples`, on ports of its own (a shared machine) and with its ZooKeeper inside
        try (ServerProcess server = ServerProcess.start("readme", work.resolve("deploy-dir"), work.resolve(".swivel"),
                "embedded", List.of("--embedded-zk-port", "0", "--with-samples"))) {
            await().atMost(SETTLE).until(() -> Files.exists(work.resolve("deploy-dir/greeter.jar.deployed")));
            Map<String, String> env = Map.of("SWIVEL_ADMIN_PORT", String.valueOf(server.admin().getPort()));
            int steps = 0;
            for (List<Step> session : sessions) {
                for (Step step : session) {
                    run(work, env, step);
                    steps++;
                }
            }
            System.out.printf("SYSTEST readme: %d commands of %d README blocks printed what README.md says%n",
                    steps, sessions.size());
        }
    }

    @Test
    void theReadmeAndTheDocsLinkOnlyToFilesOfTheRepository() throws IOException {
        Path home = Path.of(System.getProperty("swivel.home", "..")).toAbsolutePath().normalize();
        List<Path> pages = new ArrayList<>(List.of(home.resolve("README.md"), home.resolve("samples/README.md")));
        try (var docs = Files.list(home.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        var link = Pattern.compile("\\]\\(([^)\\s]+)\\)").matcher("");
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            link.reset(Files.readString(page));
            while (link.find()) {
                String target = link.group(1).replaceAll("#.*", "");
                if (target.isEmpty() || target.matches("[a-z]+:.*")) {
                    continue; // an anchor on the page, or a web address
                }
                Path file = page.getParent().resolve(target).normalize();
                if (!file.startsWith(home) || !Files.exists(file)) {
                    broken.add(home.relativize(page) + " -> " + link.group(1));
                }
            }
        }
        assertThat(broken).as("links to files that a clone does not have").isEmpty();
    }

    @Test
    void theMatchingIsStrictWhereTheReadmeIs() {
        assertThat(matches(List.of("\"Hello, Ada (v1)\""), "\"Hello, Ada (v1)\"\n")).isTrue();
        assertThat(matches(List.of("\"Hello, Ada (v1)\""), "\"Hello, Ada (v2)\"\n")).isFalse();
        assertThat(matches(List.of("  \"at\" : \"2026-11-20T23:06:11.061457987Z\""), "  \"at\" : \"2026-12-01T00:10:02.5Z\"\n"))
                .isTrue();
        assertThat(matches(List.of("  history, newest first: 1.0.0 (2026-11-20 23:06:09Z)"),
                "  history, newest first: 1.0.0 (2026-12-01 00:10:02+01:00)\n")).isTrue();
        assertThat(matches(List.of("greeter 2.0.0 → 1.0.0 rolled back …"), "greeter 2.0.0 → 1.0.0 rolled back from standby\n"))
                .isTrue();
        assertThat(matches(List.of("a", "b"), "a\n")).as("every line").isFalse();
        assertThat(matches(List.of(), "")).isTrue();
    }

    /** @return the {@code $ } lines of every marked block, each with the lines under it */
    static List<List<Step>> sessions(String markdown) {
        List<List<Step>> sessions = new ArrayList<>();
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith(MARKER)) {
                continue;
            }
            assertThat(lines.get(i + 1)).as("the line after a marker (line %d) opens a sh block", i + 1).isEqualTo("```sh");
            List<Step> steps = new ArrayList<>();
            for (int j = i + 2; !lines.get(j).equals("```"); j++) {
                String line = lines.get(j);
                if (line.startsWith("$ ")) {
                    steps.add(new Step(line.substring(2), new ArrayList<>()));
                } else {
                    assertThat(steps).as("line %d is output of no command: %s", j + 1, line).isNotEmpty();
                    steps.get(steps.size() - 1).expected().add(line);
                }
            }
            sessions.add(steps);
        }
        return sessions;
    }

    private static void run(Path work, Map<String, String> env, Step step) {
        String first = step.command().split("\\s+")[0] + " " + step.command().split("\\s+", 3)[1];
        boolean readOnly = first.equals("./swivel call") || first.equals("./swivel status") || first.startsWith("cat ");
        if (!readOnly) {
            Shell result = shell(work, env, step.command());
            assertThat(result.status).as("$ %s\n%s", step.command(), result.out).isZero();
            assertThat(matches(step.expected(), result.out)).as("$ %s printed\n%s\nREADME.md says\n%s", step.command(),
                    result.out, String.join("\n", step.expected())).isTrue();
            return;
        }
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Shell result = shell(work, env, step.command());
            assertThat(result.status).as("$ %s\n%s", step.command(), result.out).isZero();
            assertThat(matches(step.expected(), result.out)).as("$ %s printed\n%s\nREADME.md says\n%s", step.command(),
                    result.out, String.join("\n", step.expected())).isTrue();
        });
    }

    /** Whether the output is the expected lines, with … for any text and any time for a time. */
    static boolean matches(List<String> expected, String output) {
        List<String> actual = output.lines().map(String::stripTrailing).toList();
        if (actual.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Pattern.compile(pattern(expected.get(i).stripTrailing())).matcher(actual.get(i)).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String pattern(String line) {
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < line.length()) {
            var instant = INSTANT.matcher(line).region(at, line.length());
            var readable = READABLE.matcher(line).region(at, line.length());
            int next = line.indexOf('…', at);
            int i = instant.find() ? instant.start() : Integer.MAX_VALUE;
            int r = readable.find() ? readable.start() : Integer.MAX_VALUE;
            int e = next < 0 ? Integer.MAX_VALUE : next;
            int first = Math.min(i, Math.min(r, e));
            if (first == Integer.MAX_VALUE) {
                regex.append(Pattern.quote(line.substring(at)));
                break;
            }
            if (first > at) {
                regex.append(Pattern.quote(line.substring(at, first)));
            }
            if (first == e) {
                regex.append(".*");
                at = e + 1;
            } else if (first == i) {
                regex.append(INSTANT.pattern());
                at = instant.end();
            } else {
                regex.append(READABLE.pattern());
                at = readable.end();
            }
        }
        return regex.toString();
    }

    /** A directory as the checkout has it, for the README's relative paths. */
    private Path checkoutLayout() throws IOException {
        Path work = Files.createDirectories(root.resolve("swivel"));
        Files.createDirectories(work.resolve("deploy-dir"));
        Path bundles = Path.of(System.getProperty("swivel.test.bundles"));
        for (String module : List.of("greeter-v1", "greeter-v2", "greeter-broken")) {
            Path target = Files.createDirectories(work.resolve("samples").resolve(module).resolve("target"));
            Files.copy(bundles.resolve(module + ".jar"), target.resolve(module + "-" + VERSION + ".jar"));
        }
        // ./swivel: the CLI of this build (the checkout's launcher would first look for sources to build)
        Path swivel = work.resolve("swivel");
        Files.writeString(swivel, "#!/bin/sh\nexec '" + ServerProcess.javaExecutable() + "' -Xmx128m -cp '"
                + System.getProperty("java.class.path") + "' " + SwivelMain.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(swivel, PosixFilePermissions.fromString("rwxr-xr-x"));
        return work;
    }

    private record Shell(int status, String out) {
    }

    private static Shell shell(Path dir, Map<String, String> env, String command) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeIf(key -> key.startsWith("SWIVEL_"));
            builder.environment().putAll(env);
            Process process = builder.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("$ " + command + " did not finish within 60 s");
            }
            return new Shell(process.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("$ " + command + ": cannot read its output", e);
        }
    }
}
