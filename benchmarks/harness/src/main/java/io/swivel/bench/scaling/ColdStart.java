package io.swivel.bench.scaling;

import io.swivel.bench.load.ProcessCpu;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.scenario.Context;
import io.swivel.bench.workload.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code swivel serve} → first answer: a fresh server process with the benchmark bundle in its
 * deploy directory, timed from just before the process is started until it prints that it is
 * ready, and until a getUser call is answered by the bundle. With the JDK's own class-data
 * archive (the default) and with an application archive (AppCDS) of the server's classes made
 * by one training run ({@code -XX:ArchiveClassesAtExit}: started, called, stopped).
 */
final class ColdStart {

    private static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofSeconds(60);

    private final Context context;
    private final Path archive;

    ColdStart(Context context) {
        this.context = context;
        this.archive = context.launcher().workDir().resolve("cds/swivel-serve.jsa");
    }

    /**
     * Makes the application archive with one training run.
     *
     * @return the flags that use it
     * @throws Exception if the training run fails or writes no archive
     */
    List<String> train() throws Exception {
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(archive);
        try (SwivelServerProcess server = SwivelServerProcess.start(context.launcher(), "scaling-cds-training", List.of(),
                context.launcher().bundleJar(), List.of("-XX:ArchiveClassesAtExit=" + archive));
             SwivelCalls calls = new SwivelCalls("127.0.0.1", server.rpcPort())) {
            firstAnswer(calls);
            calls.call(Op.LIST_USER, 1);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the training run wrote no class-data archive at " + archive
                    + "; see its log in " + context.launcher().workDir().resolve("logs/scaling-cds-training.log"));
        }
        context.progress().say("  cold start: application class-data archive %s, %d MiB", archive, Files.size(archive) >> 20);
        return List.of("-XX:SharedArchiveFile=" + archive);
    }

    /** @return the archive's size in bytes */
    long archiveBytes() throws java.io.IOException {
        return Files.size(archive);
    }

    /**
     * Starts a server and times it.
     *
     * @param name names its directory and log
     * @param jvmFlags flags of its JVM only
     * @return process start → ready, and → first answer, in milliseconds, and the CPU time it took
     * @throws Exception if it does not start or answer in time
     */
    Times once(String name, List<String> jvmFlags) throws Exception {
        long start = System.nanoTime();
        try (SwivelServerProcess server = SwivelServerProcess.start(context.launcher(), name, List.of(),
                context.launcher().bundleJar(), jvmFlags)) {
            double readyMs = (System.nanoTime() - start) / 1e6;
            try (SwivelCalls calls = new SwivelCalls("127.0.0.1", server.rpcPort())) {
                firstAnswer(calls);
                double firstMs = (System.nanoTime() - start) / 1e6;
                return new Times(readyMs, firstMs, ProcessCpu.of(server.process().pid()) * 1000);
            }
        }
    }

    /** Calls getUser until the bundle answers (the deploy directory is scanned as the server starts). */
    private static void firstAnswer(SwivelCalls calls) {
        long deadline = System.nanoTime() + FIRST_ANSWER_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                calls.call(Op.GET_USER, 1);
                return;
            } catch (RuntimeException e) {
                last = e;
            }
            LockSupport.parkNanos(1_000_000); // 1 ms between tries
        }
        throw new IllegalStateException("no answer within " + FIRST_ANSWER_TIMEOUT.toSeconds() + " s", last);
    }

    /**
     * One cold start.
     *
     * @param readyMs process start → "Swivel ready"
     * @param firstAnswerMs process start → the first getUser answered
     * @param cpuMs the server process's CPU time (user and system, all threads) at that moment:
     *              steadier than the wall time on a shared machine
     */
    record Times(double readyMs, double firstAnswerMs, double cpuMs) {
    }
}
