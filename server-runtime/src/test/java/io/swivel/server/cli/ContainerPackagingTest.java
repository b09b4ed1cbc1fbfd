package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code packaging/docker/Dockerfile} and {@code packaging/systemd/swivel.service}, read for what
 * matters (no Docker engine or systemd runs here): a JRE 17+ runtime image, a non-root user, the
 * two ports, the launcher as exec-form entrypoint, a configuration that binds 0.0.0.0; a unit that
 * stops with SIGTERM and waits longer than the drain timeout, runs as its own user, restarts on
 * failure and is hardened.
 */
class ContainerPackagingTest {

    @TempDir
    Path work;

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String arguments) {
    }

    static List<Instruction> dockerfile(Path file) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
            current.setLength(0);
        }
        return instructions;
    }

    @Test
    void dockerfileRunsTheDistributionOnAJreAsANonRootUser() throws Exception {
        List<Instruction> all = dockerfile(Packaging.dir().resolve("docker/Dockerfile"));
        int lastFrom = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                lastFrom = i;
            }
        }
        assertThat(lastFrom).as("a FROM").isGreaterThanOrEqualTo(0);
        Matcher base = Pattern.compile("eclipse-temurin:(\\d+)-jre").matcher(all.get(lastFrom).arguments());
        assertThat(base.find()).as("runtime base %s", all.get(lastFrom).arguments()).isTrue();
        assertThat(Integer.parseInt(base.group(1))).isGreaterThanOrEqualTo(17);
        List<Instruction> runtime = all.subList(lastFrom, all.size());

        List<String> users = runtime.stream().filter(i -> i.keyword().equals("USER")).map(Instruction::arguments).toList();
        assertThat(users).as("USER in the runtime stage").isNotEmpty();
        String user = users.get(users.size() - 1).split(":")[0];
        assertThat(user).isNotIn("root", "0");
        assertThat(user).as("numeric, so runAsNonRoot can verify it").matches("\\d+");

        List<String> exposed = runtime.stream().filter(i -> i.keyword().equals("EXPOSE"))
                .flatMap(i -> List.of(i.arguments().split("\\s+")).stream()).toList();
        assertThat(exposed).contains("7700", "7701");

        List<String> entrypoints = runtime.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).map(Instruction::arguments).toList();
        assertThat(entrypoints).hasSize(1);
        assertThat(entrypoints.get(0)).as("exec form, so the JVM gets SIGTERM").isEqualTo("[\"/opt/swivel/bin/swivel\"]");
        assertThat(runtime).contains(new Instruction("CMD", "[\"serve\"]"));
        assertThat(runtime.stream().filter(i -> i.keyword().equals("COPY")).map(Instruction::arguments))
                .contains("--from=build /dist /opt/swivel");

        List<Instruction> build = all.subList(0, lastFrom);
        String buildRun = build.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::arguments)
                .filter(a -> a.contains("mvn")).findFirst().orElseThrow();
        assertThat(buildRun).contains("package").contains("server-runtime/target/swivel-*.tar.gz");
    }

    @Test
    void theImagesConfigurationBindsEveryInterfaceAndKeepsStateUnderVarLib() throws Exception {
        List<Instruction> all = dockerfile(Packaging.dir().resolve("docker/Dockerfile"));
        String buildRun = all.stream().filter(i -> i.keyword().equals("RUN") && i.arguments().contains("sed -i"))
                .map(Instruction::arguments).findFirst().orElseThrow();
        String sed = buildRun.substring(buildRun.indexOf("sed -i"));
        // run the image's sed on the shipped conf/swivel.conf, then read it as the server does
        Path conf = Files.copy(ConfigPrecedenceTest.SHIPPED_CONF, work.resolve("swivel.conf"));
        Process process = new ProcessBuilder("sh", "-c", sed.replace("/dist/conf/swivel.conf", conf.toString()))
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();

        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction instruction : all.subList(lastFrom(all), all.size())) {
            if (instruction.keyword().equals("ENV")) {
                Matcher pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(instruction.arguments());
                while (pair.find()) {
                    env.put(pair.group(1), pair.group(2).replace("\"", ""));
                }
            }
        }
        assertThat(env).as("settings belong in the conf file, where a mounted one replaces them all")
                .doesNotContainKeys("SWIVEL_BIND", "SWIVEL_DEPLOY_DIR", "SWIVEL_DATA_DIR");
        ServerConfig config = Packaging.serve(env, List.of("--config", conf.toString()));
        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.deployDir()).isEqualTo(Path.of("/var/lib/swivel/deploy"));
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/swivel/data"));
        assertThat(config.port()).isEqualTo(7700);
        assertThat(config.adminPort()).isEqualTo(7701);
    }

    @Test
    void dockerignoreKeepsBuildOutputAndPrivateMavenSettingsOut() throws IOException {
        List<String> ignored = Files.readAllLines(Packaging.dir().resolve("docker/Dockerfile.dockerignore"));
        assertThat(ignored).contains("**/target", ".git", ".mvn/maven.config");
    }

    @Test
    void systemdUnitStopsGracefullyAndIsHardened() throws IOException {
        Map<String, Map<String, List<String>>> unit = iniSections(Packaging.dir().resolve("systemd/swivel.service"));
        Map<String, List<String>> service = unit.get("Service");
        assertThat(service).isNotNull();
        assertThat(one(service, "Type")).isEqualTo("simple");
        assertThat(one(service, "User")).isEqualTo("swivel");
        assertThat(one(service, "ExecStart")).isEqualTo("/opt/swivel/bin/swivel serve");
        assertThat(one(service, "KillSignal")).isEqualTo("SIGTERM");
        assertThat(one(service, "Restart")).isEqualTo("on-failure");
        assertThat(one(service, "SuccessExitStatus")).as("the JVM's status after SIGTERM").contains("143");

        // TimeoutStopSec against the drain timeout the unit's configuration gives the server
        Duration drain = Packaging.serve(Map.of(), List.of("--config", ConfigPrecedenceTest.SHIPPED_CONF.toString())).drainTimeout();
        Duration stop = Duration.ofSeconds(Long.parseLong(one(service, "TimeoutStopSec")));
        assertThat(stop).as("TimeoutStopSec vs drain-timeout %s", drain).isGreaterThan(drain.plusSeconds(10));

        assertThat(one(service, "NoNewPrivileges")).isEqualTo("true");
        assertThat(one(service, "ProtectSystem")).isEqualTo("strict");
        assertThat(one(service, "ProtectHome")).isEqualTo("true");
        assertThat(one(service, "PrivateTmp")).isEqualTo("true");
        assertThat(one(service, "CapabilityBoundingSet")).isEmpty();
        assertThat(service.get("ReadWritePaths")).containsExactly("/var/lib/swivel");
        assertThat(service).as("the JIT needs W+X memory").doesNotContainKey("MemoryDenyWriteExecute");
        assertThat(one(unit.get("Install"), "WantedBy")).isEqualTo("multi-user.target");
    }

    private static int lastFrom(List<Instruction> all) {
        int last = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                last = i;
            }
        }
        return last;
    }

    private static String one(Map<String, List<String>> section, String key) {
        List<String> values = section.get(key);
        assertThat(values).as(key).isNotNull().hasSize(1);
        return values.get(0);
    }

    private static Map<String, Map<String, List<String>>> iniSections(Path file) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                current = sections.computeIfAbsent(trimmed.substring(1, trimmed.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            int equals = trimmed.indexOf('=');
            assertThat(current).as("a section before %s", trimmed).isNotNull();
            assertThat(equals).as("key=value: %s", trimmed).isPositive();
            current.computeIfAbsent(trimmed.substring(0, equals), k -> new ArrayList<>()).add(trimmed.substring(equals + 1));
        }
        return sections;
    }
}
