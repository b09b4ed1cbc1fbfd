package io.swivel.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Writes a bundle project: the files of the {@code swivel-bundle-archetype} (its {@code archetype-resources}, which
 * the build copies onto the server's class path), with the archetype's {@code ${...}} properties filled in, so
 * {@code swivel new bundle} and {@code mvn archetype:generate} make the same project without any network.
 */
final class BundleStarter {

    /** Where the build puts the archetype's files on the class path. */
    static final String TEMPLATES = "/io/swivel/server/cli/bundle-template/";
    /** The archetype's files: where each is in the archetype, and whether it goes under the package's directory. */
    private static final List<Template> FILES = List.of(
            new Template("pom.xml", false),
            new Template("README.md", false),
            new Template("src/main/java/Greeter.java", true),
            new Template("src/main/java/GreeterService.java", true),
            new Template("src/main/java/GreeterActivator.java", true),
            new Template("src/main/resources/swivel-bundle.properties", false),
            new Template("src/test/java/GreeterIT.java", true));

    private record Template(String path, boolean packaged) {
    }

    /** What a new project is called and built against. */
    record Coordinates(String groupId, String artifactId, String version, String packageName, String swivelVersion) {

        Map<String, String> properties() {
            return Map.of("groupId", groupId, "artifactId", artifactId, "version", version, "package", packageName,
                    "swivelVersion", swivelVersion);
        }
    }

    private BundleStarter() {
    }

    /**
     * Writes the project into {@code dir}, which must not exist yet.
     *
     * @return the files written, relative to {@code dir}
     */
    static List<Path> write(Path dir, Coordinates coordinates) throws IOException {
        if (Files.exists(dir)) {
            throw new CliException(dir + " already exists; choose another NAME or --dir, or remove it");
        }
        List<Path> written = new ArrayList<>();
        for (Template template : FILES) {
            String text = fill(read(template.path()), coordinates.properties());
            Path relative = Path.of(template.packaged() ? packaged(template.path(), coordinates.packageName())
                    : template.path());
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            written.add(relative);
        }
        return written;
    }

    /** {@code src/main/java/Greeter.java} in package {@code com.example} is {@code src/main/java/com/example/Greeter.java}. */
    private static String packaged(String path, String packageName) {
        int slash = path.lastIndexOf('/');
        return path.substring(0, slash + 1) + packageName.replace('.', '/') + path.substring(slash);
    }

    /** Replaces each {@code ${name}} of a known property, as the archetype's Velocity does; leaves anything else. */
    static String fill(String template, Map<String, String> properties) {
        StringBuilder out = new StringBuilder(template.length());
        int at = 0;
        while (true) {
            int start = template.indexOf("${", at);
            int end = start < 0 ? -1 : template.indexOf('}', start);
            if (end < 0) {
                return out.append(template, at, template.length()).toString();
            }
            String value = properties.get(template.substring(start + 2, end));
            out.append(template, at, start).append(value != null ? value : template.substring(start, end + 1));
            at = end + 1;
        }
    }

    private static String read(String path) throws IOException {
        try (InputStream in = BundleStarter.class.getResourceAsStream(TEMPLATES + path)) {
            if (in == null) {
                throw new CliException("the bundle template " + TEMPLATES + path + " is not on the class path; "
                        + "rebuild Swivel (mvn package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The version of the running Swivel, from its jar's Maven properties, or null when run from classes. */
    static String runningSwivelVersion() throws IOException {
        try (InputStream in = BundleStarter.class.getResourceAsStream(
                "/META-INF/maven/io.swivel/swivel-server-runtime/pom.properties")) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }
}
