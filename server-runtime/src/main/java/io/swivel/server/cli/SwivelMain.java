package io.swivel.server.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code swivel} command line: {@code serve}, {@code status}, {@code deploy}, {@code rollback}, {@code undeploy}, {@code services}, {@code call}, {@code canary}, {@code shadow}, {@code rollout} and {@code new bundle}. */
@Command(name = "swivel", mixinStandardHelpOptions = true, versionProvider = SwivelMain.Version.class,
        description = "Swivel, a hot-reloading RPC application server.",
        subcommands = {ServeCommand.class, StatusCommand.class, DeployCommand.class, RollbackCommand.class,
            UndeployCommand.class, ServicesCommand.class, CallCommand.class, CanaryCommand.class, ShadowCommand.class,
            NewCommand.class, RolloutCommand.class})
public final class SwivelMain implements Runnable {

    /** The environment variable naming the configuration file when {@code --config} does not. */
    static final String CONFIG_VARIABLE = "SWIVEL_CONFIG";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code swivel --version}: the version the server reports too ({@code GET /v1/events}, {@code swivel status}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"swivel " + io.swivel.server.internal.admin.ServerVersion.get()};
        }
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line without exiting. Option defaults come from {@code SWIVEL_*}
     * environment variables and the configuration file ({@code --config}, {@code $SWIVEL_CONFIG}, or
     * {@code <swivel.home>/conf/swivel.conf} if it exists), as {@link LayeredDefaults} describes.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit status: 0 on success, 1 on failure, 2 on bad usage
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        String home = System.getProperty("swivel.home");
        return run(out, err, System.getenv(), home != null ? Path.of(home) : null, args);
    }

    static int run(PrintWriter out, PrintWriter err, Map<String, String> environment, Path home, String... args) {
        CommandLine commandLine;
        try {
            commandLine = commandLine(environment, home, args);
        } catch (CliException e) {
            err.println("swivel: " + e.getMessage());
            err.flush();
            return 1;
        }
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            String message = error instanceof CliException ? error.getMessage() : error.toString();
            line.getErr().println("swivel: " + message);
            line.getErr().flush();
            return 1;
        });
        CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((error, parsed) -> {
            if (error instanceof CommandLine.UnmatchedArgumentException unmatched && error.getCommandLine() == commandLine
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                err.println("swivel: " + UnknownCommand.message(unmatched.getUnmatched().get(0),
                        commandLine.getSubcommands().keySet()));
                err.flush();
                return 2;
            }
            String origin = originOf(error);
            if (origin == null) {
                return usage.handleParseException(error, parsed);
            }
            // a bad value from the environment or the file: say where it is, without the usage text
            error.getCommandLine().getErr().println("swivel: " + error.getMessage() + " (from " + origin + ")");
            error.getCommandLine().getErr().flush();
            return 2;
        });
        return commandLine.execute(args);
    }

    /**
     * The command line with its defaults wired: {@code SWIVEL_*} environment variables, then the
     * configuration file.
     *
     * @param environment the environment
     * @param home the Swivel home (the distribution's root, or the checkout), or null if unknown
     * @param args the arguments, scanned for {@code --config}
     * @return the command line, not yet run
     * @throws CliException if a named configuration file is missing or wrong
     */
    static CommandLine commandLine(Map<String, String> environment, Path home, String... args) {
        CommandLine commandLine = new CommandLine(new SwivelMain());
        ConfigFile file = configFile(commandLine, environment, home, args);
        commandLine.setDefaultValueProvider(new LayeredDefaults(environment, file));
        return commandLine;
    }

    private static ConfigFile configFile(CommandLine commandLine, Map<String, String> environment, Path home, String[] args) {
        String named = null;
        String source = null;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals(ConfigOption.NAME) && i + 1 < args.length) {
                named = args[i + 1];
                source = ConfigOption.NAME;
            } else if (args[i].startsWith(ConfigOption.NAME + "=")) {
                named = args[i].substring(ConfigOption.NAME.length() + 1);
                source = ConfigOption.NAME;
            }
        }
        if (named == null && environment.get(CONFIG_VARIABLE) != null && !environment.get(CONFIG_VARIABLE).isBlank()) {
            named = environment.get(CONFIG_VARIABLE).trim();
            source = CONFIG_VARIABLE;
        }
        Path base = home != null ? home : Path.of("");
        Path file;
        if (named != null) {
            file = Path.of(named);
            if (!Files.isRegularFile(file)) {
                throw new CliException("the configuration file " + file.toAbsolutePath().normalize()
                        + " (from " + source + ") does not exist or is not a file");
            }
        } else {
            file = base.resolve("conf").resolve("swivel.conf");
            if (home == null || !Files.isRegularFile(file)) {
                return null;
            }
        }
        return ConfigFile.read(file, base.toAbsolutePath(), settingNames(commandLine));
    }

    /**
     * @param commandLine the whole command line
     * @return the names a configuration file may set: {@code serve}'s long options without dashes
     */
    static Set<String> settingNames(CommandLine commandLine) {
        Set<String> names = new HashSet<>();
        for (OptionSpec option : commandLine.getSubcommands().get(LayeredDefaults.SERVE).getCommandSpec().options()) {
            String name = option.longestName();
            if (name.startsWith("--") && !name.equals(ConfigOption.NAME)) {
                names.add(name.substring(2));
            }
        }
        return names;
    }

    private static String originOf(CommandLine.ParameterException error) {
        if (!(error.getArgSpec() instanceof OptionSpec option)
                || !(error.getCommandLine().getDefaultValueProvider() instanceof LayeredDefaults defaults)) {
            return null;
        }
        String value = error.getValue();
        String fromDefaults;
        try {
            fromDefaults = defaults.defaultValue(option);
        } catch (Exception e) {
            return null;
        }
        if (fromDefaults == null || value == null || !value.equals(fromDefaults)) {
            return null;
        }
        return defaults.origin(option).orElse(null);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
