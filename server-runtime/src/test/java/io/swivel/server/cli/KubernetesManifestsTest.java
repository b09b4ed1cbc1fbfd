package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code packaging/kubernetes}, every YAML document parsed: required fields, the container's
 * ports and probes, the configuration the pods really get (the ConfigMap's swivel.conf read by the
 * same code as {@code swivel serve}, with the container's arguments and environment), a grace
 * period longer than preStop plus the drain timeout, the admin token from a Secret, HPAs that
 * target the Deployment, and an adapter rule that produces the metric the example HPA uses.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Path DIR = Packaging.dir().resolve("kubernetes");

    /** A parsed document and its file. */
    record Doc(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }
    }

    static List<Doc> docs = new ArrayList<>();

    @TempDir
    Path work;

    @BeforeAll
    static void parseAll() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(DIR)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            try (var parser = new YAMLFactory().createParser(file.toFile())) {
                for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                    JsonNode node = it.next();
                    if (node != null && !node.isNull() && !node.isMissingNode()) {
                        docs.add(new Doc(file, node));
                    }
                }
            }
        }
    }

    @Test
    void everyKubernetesObjectHasApiVersionKindAndName() {
        List<Doc> objects = docs.stream().filter(d -> d.node().has("kind") || d.node().has("apiVersion")).toList();
        assertThat(objects).hasSizeGreaterThanOrEqualTo(8);
        for (Doc doc : objects) {
            assertThat(doc.node().path("apiVersion").asText()).as("%s apiVersion", doc.file()).isNotBlank();
            assertThat(doc.kind()).as("%s kind", doc.file()).isNotBlank();
            if (!doc.kind().equals("Kustomization")) {
                assertThat(doc.name()).as("%s metadata.name", doc.file()).isNotBlank();
            }
        }
    }

    @Test
    void kustomizationListsFilesThatExistAndLeavesTheExamplesOut() {
        Doc kustomization = only("Kustomization");
        List<String> resources = new ArrayList<>();
        kustomization.node().path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).contains("deployment.yaml", "service.yaml", "configmap.yaml", "hpa-cpu.yaml")
                .noneMatch(r -> r.startsWith("examples/"));
        for (String resource : resources) {
            assertThat(DIR.resolve(resource)).isRegularFile();
        }
    }

    @Test
    void containerPortsAndProbesMatch() {
        JsonNode container = swivelContainer();
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("rpc", 7700).containsEntry("admin", 7701);
        ServerConfig config = podConfig();
        assertThat(config.port()).isEqualTo(ports.get("rpc"));
        assertThat(config.adminPort()).isEqualTo(ports.get("admin"));
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as(probe).isEqualTo("/v1/health");
            JsonNode port = get.path("port");
            int number = port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
            assertThat(number).as("%s port", probe).isEqualTo(config.adminPort());
        }
        assertThat(container.path("resources").path("requests").path("cpu").asText()).as("HPA on CPU needs a request").isNotBlank();
        assertThat(container.path("resources").path("requests").path("memory").asText()).isNotBlank();
        assertThat(container.path("resources").path("limits").path("memory").asText()).isNotBlank();
    }

    @Test
    void podsBindEveryInterfaceAndRegisterInTheZooKeeperService() {
        ServerConfig config = podConfig();
        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.zookeeper()).isEqualTo("zk-cs:2181");
        assertThat(config.announce().follows(config.zookeeper())).as("pods converge to the desired versions").isTrue();
        Map<String, String> mounts = mounts();
        assertThat(mounts.get(config.deployDir().toString())).as("deploy dir is a volume").isEqualTo("deploy");
        assertThat(mounts.get(config.dataDir().toString())).as("data dir is a volume").isEqualTo("data");
        assertThat(mounts.get("/tmp")).as("read-only root: /tmp is a volume").isEqualTo("tmp");
        assertThat(swivelContainer().path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        JsonNode pod = deployment().path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
    }

    @Test
    void theAdminTokenComesFromASecretAsDataDirAdminToken() {
        ServerConfig config = podConfig();
        JsonNode tokenMount = null;
        for (JsonNode mount : swivelContainer().path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals(config.dataDir().resolve("admin.token").toString())) {
                tokenMount = mount;
            }
        }
        assertThat(tokenMount).as("a mount at <data-dir>/admin.token").isNotNull();
        assertThat(tokenMount.path("subPath").asText()).isEqualTo("admin.token");
        JsonNode volume = volume(tokenMount.path("name").asText());
        assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("swivel-admin-token");
        assertThat(volume.path("secret").path("optional").asBoolean(false)).as("no token, no start").isFalse();
    }

    @Test
    void theTokenSecretExampleIsTheSecretThePodsMountAndIsNotApplied() {
        Doc secret = only("Secret");
        assertThat(secret.name()).isEqualTo("swivel-admin-token");
        assertThat(secret.file().getFileName().toString()).isEqualTo("secret-admin-token.yaml");
        assertThat(secret.file().getParent().getFileName().toString()).isEqualTo("examples");
        assertThat(secret.node().path("stringData").path("admin.token").asText()).startsWith("REPLACE-");
    }

    @Test
    void gracePeriodCoversPreStopAndTheDrainTimeout() {
        Duration drain = podConfig().drainTimeout();
        JsonNode preStop = swivelContainer().path("lifecycle").path("preStop").path("exec").path("command");
        long pause = 0;
        if (preStop.size() == 2 && preStop.get(0).asText().equals("sleep")) {
            pause = Long.parseLong(preStop.get(1).asText());
        }
        long grace = deployment().path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong();
        assertThat(grace).as("grace period vs preStop %d s + drain-timeout %s", pause, drain)
                .isGreaterThan(pause + drain.toSeconds());
    }

    @Test
    void serviceSelectsThePodsAndNamesTheirPorts() {
        Doc service = only("Service");
        JsonNode selector = service.node().path("spec").path("selector");
        JsonNode labels = deployment().path("spec").path("template").path("metadata").path("labels");
        selector.fields().forEachRemaining(e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
        assertThat(selector.size()).isPositive();
        List<String> targets = new ArrayList<>();
        service.node().path("spec").path("ports").forEach(p -> targets.add(p.path("targetPort").asText()));
        assertThat(targets).containsExactlyInAnyOrder("rpc", "admin");
        assertThat(deployment().path("spec").path("selector").path("matchLabels")).isEqualTo(selector);
    }

    @Test
    void everyHpaTargetsTheDeployment() {
        List<Doc> hpas = docs.stream().filter(d -> d.kind().equals("HorizontalPodAutoscaler")).toList();
        assertThat(hpas).hasSize(2);
        for (Doc hpa : hpas) {
            assertThat(hpa.node().path("apiVersion").asText()).isEqualTo("autoscaling/v2");
            JsonNode target = hpa.node().path("spec").path("scaleTargetRef");
            assertThat(target.path("kind").asText()).isEqualTo("Deployment");
            assertThat(target.path("apiVersion").asText()).isEqualTo("apps/v1");
            assertThat(target.path("name").asText()).as(hpa.file().toString()).isEqualTo(deployment().path("metadata").path("name").asText());
            assertThat(hpa.node().path("spec").path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
        }
        JsonNode cpu = hpaIn("hpa-cpu.yaml").path("spec").path("metrics").get(0);
        assertThat(cpu.path("type").asText()).isEqualTo("Resource");
        assertThat(cpu.path("resource").path("name").asText()).isEqualTo("cpu");
    }

    @Test
    void theAdapterRuleProducesTheMetricTheExampleHpaUses() throws IOException {
        JsonNode metric = hpaIn("hpa-calls-per-second.yaml").path("spec").path("metrics").get(0);
        assertThat(metric.path("type").asText()).isEqualTo("Pods");
        String wanted = metric.path("pods").path("metric").path("name").asText();
        assertThat(wanted).isNotBlank();

        Doc adapter = docs.stream().filter(d -> d.file().endsWith("prometheus-adapter-rules.yaml")).findFirst().orElseThrow();
        JsonNode config = YAML.readTree(adapter.node().path("data").path("config.yaml").asText());
        List<JsonNode> rules = new ArrayList<>();
        config.path("rules").forEach(rules::add);
        JsonNode rule = rules.stream().filter(r -> r.path("name").path("as").asText().equals(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError("no adapter rule names its metric " + wanted + ": " + config));
        assertThat(rule.path("seriesQuery").asText()).startsWith("swivel_calls_total{");
        assertThat(Pattern.compile(rule.path("name").path("matches").asText()).matcher("swivel_calls_total").find())
                .as("name.matches selects swivel_calls_total").isTrue();
        assertThat(rule.path("metricsQuery").asText()).contains("rate(<<.Series>>{<<.LabelMatchers>>}");
        assertThat(rule.path("resources").path("overrides").path("pod").path("resource").asText()).isEqualTo("pod");

        Doc scrape = docs.stream().filter(d -> d.file().endsWith("prometheus-scrape-config.yaml")).findFirst().orElseThrow();
        JsonNode job = scrape.node().path("scrape_configs").get(0);
        assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(job.path("authorization").path("credentials_file").asText()).as("/metrics needs the token").endsWith("admin.token");
    }

    // --- helpers -----------------------------------------------------------------------------

    private static Doc only(String kind) {
        List<Doc> found = docs.stream().filter(d -> d.kind().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static JsonNode deployment() {
        return only("Deployment").node();
    }

    private static JsonNode hpaIn(String file) {
        return docs.stream().filter(d -> d.file().endsWith(file) && d.kind().equals("HorizontalPodAutoscaler"))
                .findFirst().orElseThrow().node();
    }

    private static JsonNode swivelContainer() {
        for (JsonNode container : deployment().path("spec").path("template").path("spec").path("containers")) {
            if (container.path("name").asText().equals("swivel")) {
                return container;
            }
        }
        throw new AssertionError("no container named swivel");
    }

    private static JsonNode volume(String name) {
        for (JsonNode volume : deployment().path("spec").path("template").path("spec").path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        return MissingNode.getInstance();
    }

    /** @return mount path → volume name of the swivel container */
    private static Map<String, String> mounts() {
        Map<String, String> mounts = new HashMap<>();
        swivelContainer().path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        return mounts;
    }

    /**
     * What {@code swivel serve} makes of the pod: the container's args, with the ConfigMap's
     * swivel.conf where the args name its mount, and the container's environment.
     */
    private ServerConfig podConfig() {
        JsonNode container = swivelContainer();
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).startsWith("serve");
        int config = args.indexOf("--config");
        assertThat(config).as("--config names the mounted ConfigMap").isPositive();
        Path named = Path.of(args.get(config + 1));
        String volume = mounts().get(named.getParent().toString());
        String configMap = volume(volume).path("configMap").path("name").asText();
        Doc map = docs.stream().filter(d -> d.kind().equals("ConfigMap") && d.name().equals(configMap)).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + configMap));
        String text = map.node().path("data").path(named.getFileName().toString()).asText();
        assertThat(text).as("the ConfigMap holds %s", named.getFileName()).isNotBlank();
        try {
            Path local = Files.writeString(work.resolve("swivel.conf"), text);
            args.set(config + 1, local.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return Packaging.serve(env, args.subList(1, args.size()));
    }
}
