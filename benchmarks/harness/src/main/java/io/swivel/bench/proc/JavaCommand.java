package io.swivel.bench.proc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How every JVM of a benchmark starts: this JDK's {@code java}, the same flags for servers and
 * clients of every peer, then a classpath, a main class and its arguments.
 *
 * @param flags the JVM flags, for example {@code -Xms1g -Xmx1g}
 */
public record JavaCommand(List<String> flags) {

    /**
     * Checks the flags.
     *
     * @param flags the JVM flags
     */
    public JavaCommand {
        flags = List.copyOf(Objects.requireNonNull(flags, "flags"));
    }

    /**
     * Parses flags written as one string.
     *
     * @param flags space-separated flags
     * @return the command
     */
    public static JavaCommand parse(String flags) {
        List<String> list = new ArrayList<>();
        for (String flag : flags.trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                list.add(flag);
            }
        }
        return new JavaCommand(list);
    }

    /** @return this JDK's java launcher */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A command line.
     *
     * @param extraFlags flags of this JVM only (system properties, a profiler), after the common ones
     * @param classpath the classpath
     * @param mainClass the main class
     * @param args its arguments
     * @return the command line
     */
    public List<String> command(List<String> extraFlags, String classpath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(flags);
        command.addAll(extraFlags);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
