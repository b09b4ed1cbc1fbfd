package io.swivel.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code swivel new bundle NAME}: a bundle project to start from, the same as the swivel-bundle-archetype makes. */
@Command(name = "new", description = "Create a project to start from.", subcommands = NewCommand.Bundle.class)
final class NewCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CliException("say what to create: swivel new bundle NAME");
    }

    /** {@code swivel new bundle NAME [--package P] [--group-id G] [--version V] [--dir D]}. */
    @Command(name = "bundle", description = "Create a bundle project (service interface, implementation, activator "
            + "with a health check, configuration file, and a test that deploys the built jar into a real server) "
            + "whose parent is io.swivel:swivel-bundle-parent; no network needed.")
    static final class Bundle implements Callable<Integer> {

        /** What Maven and Swivel both accept as an artifactId and a bundle name. */
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
        /** What Maven accepts as a groupId ({@code [A-Za-z0-9_\-.]+}), bounded. */
        private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

        @Parameters(index = "0", paramLabel = "NAME",
                description = "The project's artifactId and the bundle's name (Swivel-Bundle), e.g. hello-bundle.")
        String name;

        @Option(names = "--package", paramLabel = "P",
                description = "The Java package of the sources (default: com.example.NAME without its dashes and dots).")
        String packageName;

        @Option(names = "--group-id", paramLabel = "G", description = "The Maven groupId (default: the package).")
        String groupId;

        @Option(names = "--version", paramLabel = "V", defaultValue = "1.0.0-SNAPSHOT",
                description = "The project's version, and the bundle's (Swivel-Version) (default: ${DEFAULT-VALUE}).")
        String version;

        @Option(names = "--dir", paramLabel = "D", description = "Where to create it (default: ./NAME); must not exist.")
        Path dir;

        @Option(names = "--swivel-version", paramLabel = "S",
                description = "The Swivel release to build against (default: this one's).")
        String swivelVersion;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!NAME.matcher(name).matches()) {
                throw new CliException("NAME '" + name + "' is not a valid bundle name: letters, digits, '.', '_' "
                        + "and '-', starting with a letter or digit, at most 100 characters");
            }
            if (!NAME.matcher(version).matches()) {
                throw new CliException("--version '" + version + "' is not a valid version: letters, digits, '.', "
                        + "'_' and '-', starting with a letter or digit");
            }
            if (groupId != null && !GROUP_ID.matcher(groupId).matches()) {
                throw new CliException("--group-id '" + groupId + "' is not a valid Maven groupId: letters, digits, "
                        + "'.', '_' and '-', at most 200 characters, e.g. com.example");
            }
            if (swivelVersion != null && !NAME.matcher(swivelVersion).matches()) {
                throw new CliException("--swivel-version '" + swivelVersion + "' is not a valid version: letters, digits, "
                        + "'.', '_' and '-', starting with a letter or digit, e.g. 0.1.0");
            }
            String pkg = packageName != null ? packageName : defaultPackage(name);
            if (!SourceVersion.isName(pkg)) {
                throw new CliException("--package '" + pkg + "' is not a Java package name"
                        + (packageName == null ? " (made from NAME); give one with --package" : ""));
            }
            String swivel = swivelVersion != null ? swivelVersion : BundleStarter.runningSwivelVersion();
            if (swivel == null) {
                throw new CliException("cannot tell this Swivel's version (it runs from classes, not its jar); "
                        + "give it with --swivel-version");
            }
            Path target = dir != null ? dir : Path.of(name);
            BundleStarter.Coordinates coordinates = new BundleStarter.Coordinates(groupId != null ? groupId : pkg,
                    name, version, pkg, swivel);
            List<Path> files = BundleStarter.write(target, coordinates);
            report(target, coordinates, files);
            return 0;
        }

        private void report(Path target, BundleStarter.Coordinates coordinates, List<Path> files) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("Created " + target + "/: bundle " + coordinates.artifactId() + " " + coordinates.version()
                    + ", package " + coordinates.packageName() + ", built against Swivel " + coordinates.swivelVersion());
            files.forEach(file -> out.println("  " + file));
            out.println("Next:");
            out.println("  cd " + target + " && mvn verify      # builds the bundle; GreeterIT deploys it into a real server");
            out.println("  cp target/" + coordinates.artifactId() + "-" + coordinates.version()
                    + ".jar <deploy-dir>/   # a running 'swivel serve' picks it up");
            out.println("  swivel call " + coordinates.packageName() + ".Greeter greet '[\"Ada\"]'");
            Path parent = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "swivel",
                    "swivel-bundle-parent", coordinates.swivelVersion());
            if (!Files.isDirectory(parent)) {
                out.println("Swivel " + coordinates.swivelVersion() + " is not in ~/.m2 yet: run "
                        + "'mvn install -DskipTests' once in the Swivel checkout first.");
            }
            out.flush();
        }

        /** {@code hello-bundle} → {@code com.example.hellobundle}. */
        static String defaultPackage(String name) {
            String segment = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
            if (segment.isEmpty() || !Character.isJavaIdentifierStart(segment.charAt(0))
                    || SourceVersion.isKeyword(segment)) {
                segment = "bundle" + segment;
            }
            return "com.example." + segment;
        }
    }
}
