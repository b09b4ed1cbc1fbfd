package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.protocol.kryo.BodyForm;
import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Where {@code swivel serve}'s settings come from, parsed but not run: built-in defaults, then the
 * configuration file, then {@code SWIVEL_*} environment variables, then flags; and that the
 * shipped {@code conf/swivel.conf} lists every option with its real default.
 */
class ConfigPrecedenceTest {

    /** The distribution's configuration file, as it is packaged. */
    static final Path SHIPPED_CONF = Path.of("src/dist/conf/swivel.conf");

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();

    @Test
    void withoutFileOrEnvironmentTheBuiltInDefaultsHoldAsTheRepositoryUsesThem() {
        ServerConfig config = serve();
        ServerConfig defaults = ServerConfig.defaults();
        assertThat(config).isEqualTo(defaults);
        assertThat(config.deployDir()).isEqualTo(Path.of("deploy-dir")); // ./swivel serve: relative to the working directory
        assertThat(config.dataDir()).isEqualTo(Path.of(".swivel"));
    }

    @Test
    void eachLayerOverridesTheOneBelow() throws IOException {
        writeConf("port = 7800\ndrain-timeout = 40s\nhistory-limit = 7\nbind = 0.0.0.0\n");
        ServerConfig fromFile = serve();
        assertThat(fromFile.port()).isEqualTo(7800);
        assertThat(fromFile.drainTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(fromFile.historyLimit()).isEqualTo(7);
        assertThat(fromFile.bind()).isEqualTo("0.0.0.0");
        assertThat(fromFile.adminPort()).as("not in the file: built in").isEqualTo(7701);

        env.put("SWIVEL_PORT", "7900");
        env.put("SWIVEL_DRAIN_TIMEOUT", "50s");
        ServerConfig fromEnv = serve();
        assertThat(fromEnv.port()).isEqualTo(7900);
        assertThat(fromEnv.drainTimeout()).isEqualTo(Duration.ofSeconds(50));
        assertThat(fromEnv.historyLimit()).as("only in the file").isEqualTo(7);

        ServerConfig fromFlags = serve("--port", "8000", "--drain-timeout", "1m");
        assertThat(fromFlags.port()).isEqualTo(8000);
        assertThat(fromFlags.drainTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fromFlags.historyLimit()).isEqualTo(7);
        assertThat(fromFlags.bind()).isEqualTo("0.0.0.0");
    }

    @Test
    void theLimitsComeFromFileEnvironmentAndFlagsLikeEveryOtherSetting() throws IOException {
        writeConf("max-connections = 500\nwrite-buffer-limit = 64KiB\nmax-lib-bytes = 1GiB\n");
        env.put("SWIVEL_FRAME_TIMEOUT", "3s");
        env.put("SWIVEL_MAX_IN_FLIGHT_PER_CONNECTION", "16");
        env.put("SWIVEL_ADMIN_MAX_TRANSFERS", "2");
        ServerConfig config = serve("--event-log-size", "50", "--call-batch", "4", "--admin-max-body-size", "64KiB", "--max-connections-per-address", "7", "--idle-timeout", "2m",
                "--admin-max-calls", "3", "--deregister-timeout", "500ms", "--max-decode-objects", "4096");
        assertThat(config.limits().maxConnections()).isEqualTo(500);
        assertThat(config.limits().writeBufferHighWater()).isEqualTo(64 * 1024);
        assertThat(config.limits().maxLibBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(config.limits().frameTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.limits().maxInFlightPerConnection()).isEqualTo(16);
        assertThat(config.limits().maxConnectionsPerAddress()).isEqualTo(7);
        assertThat(config.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.limits().adminMaxCalls()).isEqualTo(3);
        assertThat(config.limits().deregisterTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.limits().maxDecodeObjects()).isEqualTo(4096);
        assertThat(config.limits().adminMaxTransfers()).isEqualTo(2);
        assertThat(config.limits().adminMaxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(config.limits().eventLogSize()).isEqualTo(50);
        assertThat(config.limits().callBatch()).isEqualTo(4);
        assertThat(config.limits().maxPartialFrameMemory()).as("set nowhere: built in")
                .isEqualTo(io.swivel.server.config.Limits.defaults().maxPartialFrameMemory());
    }

    @Test
    void everyServeOptionHasAnEnvironmentVariable() {
        env.put("SWIVEL_DEPLOY_DIR", "/srv/deploy");
        env.put("SWIVEL_DATA_DIR", "/srv/data");
        env.put("SWIVEL_PORT", "1");
        env.put("SWIVEL_ADMIN_PORT", "2");
        env.put("SWIVEL_BIND", "0.0.0.0");
        env.put("SWIVEL_ZOOKEEPER", "zk-cs:2181");
        env.put("SWIVEL_EMBEDDED_ZK_PORT", "3");
        env.put("SWIVEL_ZK_SESSION_TIMEOUT", "20s");
        env.put("SWIVEL_DRAIN_TIMEOUT", "45s");
        env.put("SWIVEL_PROBATION", "0s");
        env.put("SWIVEL_PROBATION_ERROR_RATE", "0.25");
        env.put("SWIVEL_HISTORY_LIMIT", "9");
        ServerConfig config = serve();
        assertThat(config).isEqualTo(ServerConfig.defaults().withDeployDir(Path.of("/srv/deploy"))
                .withDataDir(Path.of("/srv/data")).withPorts(1, 2).withBind("0.0.0.0").with(c -> {
                    c.zookeeper = "zk-cs:2181";
                    c.embeddedZkPort = 3;
                    c.zkSessionTimeout = Duration.ofSeconds(20);
                    c.drainTimeout = Duration.ofSeconds(45);
                    c.probation = Duration.ZERO;
                    c.probationErrorRate = 0.25;
                    c.historyLimit = 9;
                }));
        env.put("SWIVEL_WITH_SAMPLES", "true");
        assertThat(parseServe().withSamples).isTrue();
    }

    @Test
    void relativePathsInTheFileResolveAgainstHomeButFlagsAndEnvironmentAgainstTheWorkingDirectory() throws IOException {
        writeConf("deploy-dir = deploy\ndata-dir = data\n");
        ServerConfig config = serve();
        assertThat(config.deployDir()).isEqualTo(home.toAbsolutePath().resolve("deploy"));
        assertThat(config.dataDir()).isEqualTo(home.toAbsolutePath().resolve("data"));

        env.put("SWIVEL_DATA_DIR", "var/data");
        assertThat(serve("--deploy-dir", "mine").deployDir()).isEqualTo(Path.of("mine"));
        assertThat(serve().dataDir()).isEqualTo(Path.of("var/data"));
    }

    @Test
    void configFlagBeatsTheVariableWhichBeatsTheHomeFile() throws IOException {
        writeConf("port = 1001\n");
        Path fromVariable = Files.writeString(home.resolve("variable.conf"), "port = 1002\n");
        Path fromFlag = Files.writeString(home.resolve("flag.conf"), "port = 1003\nadmin-port = 1004\n");
        assertThat(serve().port()).isEqualTo(1001);
        env.put("SWIVEL_CONFIG", fromVariable.toString());
        assertThat(serve().port()).isEqualTo(1002);
        assertThat(serve("--config", fromFlag.toString()).port()).isEqualTo(1003);
        assertThat(serve("--config=" + fromFlag).adminPort()).isEqualTo(1004);
    }

    @Test
    void clientCommandsFindTheServerTheConfigurationDescribes() throws IOException {
        writeConf("admin-port = 7811\ndata-dir = data\nzookeeper = embedded\nembedded-zk-port = 2191\nport = 7810\n");
        StatusCommand status = (StatusCommand) parse("status").subcommand().commandSpec().userObject();
        assertThat(status.admin.adminPort).isEqualTo(7811);
        assertThat(status.admin.dataDir).isEqualTo(home.toAbsolutePath().resolve("data"));
        assertThat(status.admin.host).as("the host is not the bind address").isEqualTo("127.0.0.1");
        ServicesCommand services = (ServicesCommand) parse("services").subcommand().commandSpec().userObject();
        assertThat(services.zookeeper).as("the embedded ZooKeeper, seen from this machine").isEqualTo("127.0.0.1:2191");

        env.put("SWIVEL_ZOOKEEPER", "zk-a:2181,zk-b:2181");
        RollbackCommand rollback = (RollbackCommand) parse("rollback", "greeter").subcommand().commandSpec().userObject();
        assertThat(rollback.zookeeper).isEqualTo("zk-a:2181,zk-b:2181");
        env.put("SWIVEL_ZOOKEEPER", "none");
        services = (ServicesCommand) parse("services").subcommand().commandSpec().userObject();
        assertThat(services.zookeeper).as("none says nothing: the built-in default").isEqualTo("127.0.0.1:2181");
    }

    @Test
    void anUnknownSettingInTheFileIsAOneLineError() throws IOException {
        Path conf = writeConf("port = 7700\nprot = 7800\n");
        Result result = run("serve");
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err.trim()).startsWith("swivel: the configuration file " + conf + " sets unknown setting(s) [prot]; known: [")
                .contains("drain-timeout").doesNotContain("config,");
        assertThat(result.err.trim().lines()).hasSize(1);
    }

    @Test
    void aMissingNamedFileIsAOneLineError() {
        Result result = run("serve", "--config", home.resolve("nope.conf").toString());
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err.trim()).isEqualTo("swivel: the configuration file " + home.resolve("nope.conf")
                + " (from --config) does not exist or is not a file");
        env.put("SWIVEL_CONFIG", home.resolve("gone.conf").toString());
        assertThat(run("status").err.trim()).isEqualTo("swivel: the configuration file " + home.resolve("gone.conf")
                + " (from SWIVEL_CONFIG) does not exist or is not a file");
    }

    @Test
    void aBadValueSaysWhereItCameFrom() throws IOException {
        env.put("SWIVEL_PORT", "seventy");
        Result fromEnv = run("serve");
        assertThat(fromEnv.status).isEqualTo(2);
        assertThat(fromEnv.err.trim()).startsWith("swivel: ").contains("'seventy'").endsWith("(from environment variable SWIVEL_PORT)");
        assertThat(fromEnv.err.trim().lines()).hasSize(1);

        env.clear();
        Path conf = writeConf("drain-timeout = soon\n");
        Result fromFile = run("serve");
        assertThat(fromFile.status).isEqualTo(2);
        assertThat(fromFile.err.trim()).contains("'soon' is not a duration").endsWith("(from configuration file " + conf + ")");

        Result badRange = run("serve", "--drain-timeout", "30s", "--history-limit", "0");
        assertThat(badRange.status).isEqualTo(1);
        assertThat(badRange.err.trim()).isEqualTo("swivel: bad option: historyLimit: 0 (expected: >= 1)");
    }

    @Test
    void theBodyFormComesFromEveryLayerAndABadOneIsRefusedNamingTheFlag() throws IOException {
        assertThat(serve().bodyForm()).isEqualTo(BodyForm.DESCRIBED);
        writeConf("body-form = name-keyed\n");
        assertThat(serve().bodyForm()).isEqualTo(BodyForm.NAME_KEYED);
        env.put("SWIVEL_BODY_FORM", "described");
        assertThat(serve().bodyForm()).isEqualTo(BodyForm.DESCRIBED);
        assertThat(serve("--body-form", "name-keyed").bodyForm()).isEqualTo(BodyForm.NAME_KEYED);
        Result bad = run("serve", "--body-form", "compact");
        assertThat(bad.status).isEqualTo(1);
        assertThat(bad.err.trim()).isEqualTo("swivel: bad option: --body-form: compact (expected: described or name-keyed)");
    }

    @Test
    void aFlagOverridesABadValueBelowIt() throws IOException {
        env.put("SWIVEL_PORT", "seventy");
        assertThat(serve("--port", "7700").port()).isEqualTo(7700);
    }

    @Test
    void theOperatorsGuideNamesEverySetting() throws IOException {
        Path guide = Path.of(System.getProperty("swivel.home", ".."), "docs/OPERATIONS-PACKAGING.md");
        String text = Files.readString(guide);
        int start = text.indexOf("keys are the flags' long names without dashes");
        assertThat(start).as("the key list in %s", guide).isNotNegative();
        String keys = text.substring(start, text.indexOf("\n\n", start));
        for (String key : new TreeSet<>(SwivelMain.settingNames(SwivelMain.commandLine(Map.of(), null)))) {
            assertThat(keys).as("%s names the setting %s in its key list", guide, key).contains("`" + key + "`");
        }
    }

    @Test
    void theShippedFileListsEveryServeOptionWithItsBuiltInDefault() throws IOException {
        Properties shipped = new Properties();
        try (Reader reader = Files.newBufferedReader(SHIPPED_CONF)) {
            shipped.load(reader);
        }
        CommandLine bare = SwivelMain.commandLine(Map.of(), null);
        Set<String> options = new TreeSet<>(SwivelMain.settingNames(bare));
        assertThat(new TreeSet<>(shipped.stringPropertyNames())).isEqualTo(options);
        for (OptionSpec option : bare.getSubcommands().get("serve").getCommandSpec().options()) {
            String key = option.longestName().substring(2);
            if (!options.contains(key) || key.equals("deploy-dir") || key.equals("data-dir")) {
                continue;
            }
            // serve's built-in defaults come from ServerConfig.defaults(), through the default provider
            String provided = builtInDefault(bare, option);
            // an option without a default (--tls-cert) is listed with an empty value, which sets nothing
            String builtIn = provided != null ? provided : option.defaultValue() != null ? option.defaultValue()
                    : option.type() == boolean.class ? "false" : "";
            assertThat(shipped.getProperty(key)).as("conf/swivel.conf %s", key).isEqualTo(builtIn);
        }
        assertThat(shipped.getProperty("deploy-dir")).isEqualTo("deploy");
        assertThat(shipped.getProperty("data-dir")).isEqualTo("data");
        String text = Files.readString(SHIPPED_CONF);
        for (String key : options) {
            assertThat(text).as("a comment above %s", key).containsPattern("#[^\\n]*\\n(#[^\\n]*\\n)*" + key + " =( |\\n)");
        }
    }

    private static String builtInDefault(CommandLine bare, OptionSpec option) {
        try {
            return bare.getDefaultValueProvider().defaultValue(option);
        } catch (Exception e) {
            throw new AssertionError("the default provider failed on " + option.longestName(), e);
        }
    }

    @Test
    void theShippedFileAsTheDistributionReadsItDescribesTheDefaultsInsideHome() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.copy(SHIPPED_CONF, home.resolve("conf/swivel.conf"));
        ServerConfig config = serve();
        assertThat(config).isEqualTo(ServerConfig.defaults().withDeployDir(home.toAbsolutePath().resolve("deploy"))
                .withDataDir(home.toAbsolutePath().resolve("data")));
    }

    private Path writeConf(String text) throws IOException {
        Files.createDirectories(home.resolve("conf"));
        return Files.writeString(home.resolve("conf/swivel.conf"), text);
    }

    private ParseResult parse(String... args) {
        return SwivelMain.commandLine(env, home, args).parseArgs(args);
    }

    private ServeCommand parseServe(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return (ServeCommand) parse(all).subcommand().commandSpec().userObject();
    }

    private ServerConfig serve(String... args) {
        return parseServe(args).serverConfig();
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), env, home, args);
        return new Result(status, out.toString(), err.toString());
    }

    private record Result(int status, String out, String err) {
    }
}
