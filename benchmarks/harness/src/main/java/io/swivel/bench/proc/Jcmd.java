package io.swivel.bench.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks a running JVM about its memory with the JDK's {@code jcmd}. */
public final class Jcmd {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K, committed (\\d+)K");
    private static final Pattern LOADED = Pattern.compile("java\\.cls\\.loadedClasses=(\\d+)");
    private static final Pattern UNLOADED = Pattern.compile("java\\.cls\\.unloadedClasses=(\\d+)");

    private Jcmd() {
    }

    /**
     * Memory after a full collection.
     *
     * @param heapUsedKib heap in use
     * @param metaspaceUsedKib metaspace in use
     * @param metaspaceCommittedKib metaspace committed
     * @param loadedClasses classes loaded since start
     * @param unloadedClasses classes unloaded since start
     */
    public record Memory(long heapUsedKib, long metaspaceUsedKib, long metaspaceCommittedKib, long loadedClasses,
                         long unloadedClasses) {

        /** @return classes loaded now */
        public long liveClasses() {
            return loadedClasses - unloadedClasses;
        }
    }

    /**
     * Runs a full GC in the JVM, then reads heap, metaspace and class counts.
     *
     * @param pid the JVM's process id
     * @return the figures
     * @throws InterruptedException if interrupted
     */
    public static Memory memoryAfterFullGc(long pid) throws InterruptedException {
        run(pid, "GC.run");
        String heap = run(pid, "GC.heap_info");
        String counters = run(pid, "PerfCounter.print");
        Matcher metaspace = find(METASPACE_USED, heap, "metaspace in GC.heap_info");
        return new Memory(Long.parseLong(find(HEAP_USED, heap, "heap in GC.heap_info").group(1)),
                Long.parseLong(metaspace.group(1)), Long.parseLong(metaspace.group(2)),
                Long.parseLong(find(LOADED, counters, "java.cls.loadedClasses").group(1)),
                Long.parseLong(find(UNLOADED, counters, "java.cls.unloadedClasses").group(1)));
    }

    /**
     * Runs one jcmd command.
     *
     * @param pid the JVM's process id
     * @param command for example {@code GC.run}
     * @return its output
     * @throws InterruptedException if interrupted
     */
    public static String run(long pid, String command) throws InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process process = new ProcessBuilder(List.of(jcmd, String.valueOf(pid), command)).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: "
                        + new String(output, StandardCharsets.UTF_8).trim());
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + jcmd + ": " + e.getMessage(), e);
        }
    }

    private static Matcher find(Pattern pattern, String text, String what) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("jcmd printed no " + what + ":\n" + text);
        }
        return matcher;
    }
}
