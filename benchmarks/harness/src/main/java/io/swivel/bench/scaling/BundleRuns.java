package io.swivel.bench.scaling;

import io.swivel.bench.peer.swivel.BundleJars;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.proc.Jcmd;
import io.swivel.bench.scenario.Context;
import io.swivel.bench.scenario.Versions;
import io.swivel.client.SwivelClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bundle rows of the scaling scenario. Many bundles: one server with the benchmark bundle,
 * grown to each level with generated bundles (each a service of its own); at each level the
 * memory after a full GC, then the benchmark bundle swapped to another version and back (each
 * timed from the rename until the new version answers), then new bundles dropped in one at a
 * time and timed until they answer (they count towards the next level). A large bundle: a
 * generated bundle with many nested libraries of incompressible bytes, jar renamed in → its
 * first answer, beside a small one on the same server, then replaced by another version.
 */
final class BundleRuns {

    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(60);
    /** New bundles timed at each level, and swaps (there and back) of the benchmark bundle. */
    static final int TIMED = 3;

    private final Context context;
    private final GeneratedBundles generated;
    private final Path jars;

    BundleRuns(Context context, GeneratedBundles generated) {
        this.context = context;
        this.generated = generated;
        this.jars = context.launcher().workDir().resolve("jars/scaling");
    }

    /**
     * The generated bundles a run of the given levels uses.
     *
     * @param levels bundle counts, ascending
     * @return how many to generate
     */
    static int needed(List<Integer> levels) {
        return levels.get(levels.size() - 1) - 1 + TIMED;
    }

    /**
     * One round over the levels.
     *
     * @param round the round
     * @param levels bundle counts (the benchmark bundle included), ascending
     * @return one result per level
     * @throws Exception if a bundle does not serve in time
     */
    List<Level> levels(int round, List<Integer> levels) throws Exception {
        Path v2 = BundleJars.withVersion(context.launcher().bundleJar(), "2.0.0", jars.resolve("bench-users-2.0.0.jar"));
        List<Level> results = new ArrayList<>();
        try (SwivelServerProcess server = SwivelServerProcess.start(context.launcher(), "scaling-r" + round + "-bundles", List.of(),
                context.launcher().bundleJar(), LoadRuns.PRE_TOUCH);
             SwivelCalls bench = new SwivelCalls("127.0.0.1", server.rpcPort());
             SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpcPort()).build()) {
            long pid = server.process().pid();
            Versions.await(bench.service()::version, "1.0.0", SERVE_TIMEOUT);
            int deployed = 1;
            for (int level : levels) {
                long began = System.nanoTime();
                List<Integer> added = new ArrayList<>();
                while (deployed < level) {
                    added.add(deployed); // bundle gen-i is the (i+1)th bundle
                    Path jar = generated.jar(deployed, "1.0.0", jars.resolve(GeneratedBundles.name(deployed) + ".jar"));
                    Files.move(server.stage(jar, GeneratedBundles.name(deployed) + ".jar"),
                            server.deployDir().resolve(GeneratedBundles.name(deployed) + ".jar"), StandardCopyOption.ATOMIC_MOVE);
                    deployed++;
                }
                for (int i : added) {
                    Versions.await(generated.version(client, i), "1.0.0", SERVE_TIMEOUT);
                }
                double batchMs = (System.nanoTime() - began) / 1e6;
                Jcmd.Memory memory = Jcmd.memoryAfterFullGc(pid);
                long rss = ServerSample.rssKib(pid);
                List<Double> swaps = new ArrayList<>();
                for (int i = 0; i < TIMED; i++) {
                    swaps.add(timedMove(server, v2, SwivelServerProcess.JAR, bench.service()::version, "2.0.0"));
                    swaps.add(timedMove(server, context.launcher().bundleJar(), SwivelServerProcess.JAR,
                            bench.service()::version, "1.0.0"));
                }
                List<Double> news = new ArrayList<>();
                for (int i = 0; i < TIMED; i++) {
                    int n = deployed++;
                    Path jar = generated.jar(n, "1.0.0", jars.resolve(GeneratedBundles.name(n) + ".jar"));
                    news.add(timedMove(server, jar, GeneratedBundles.name(n) + ".jar", generated.version(client, n), "1.0.0"));
                }
                context.progress().say("  bundles r%d, %d bundles: %d added in %.0f ms; heap after GC %d KiB, metaspace %d KiB, "
                                + "%d classes, RSS %d MiB; swap ms %s; new bundle → serving ms %s", round, level, added.size(),
                        batchMs, memory.heapUsedKib(), memory.metaspaceUsedKib(), memory.liveClasses(), rss / 1024, swaps, news);
                results.add(new Level(level, memory, rss, batchMs, swaps, news));
            }
        }
        return results;
    }

    /**
     * One round of the large bundle: a small generated bundle, then the large one, then the
     * large one's second version, each timed from its rename until it answers.
     *
     * @param round the round
     * @param small the small bundle's number
     * @param large the large bundle's number
     * @param libs nested libraries of the large bundle
     * @param libBytes bytes in each
     * @return milliseconds: small new, large new, large replaced; and the large jar's size
     * @throws Exception if a bundle does not serve in time
     */
    Large large(int round, int small, int large, int libs, int libBytes) throws Exception {
        Path smallJar = generated.jar(small, "1.0.0", jars.resolve(GeneratedBundles.name(small) + ".jar"));
        Path largeV1 = jars.resolve("large-1.0.0.jar");
        Path largeV2 = jars.resolve("large-1.0.1.jar");
        if (!Files.exists(largeV2)) {
            generated.jar(large, "1.0.0", largeV1, libs, libBytes);
            generated.jar(large, "1.0.1", largeV2, libs, libBytes);
        }
        try (SwivelServerProcess server = SwivelServerProcess.start(context.launcher(), "scaling-r" + round + "-large", List.of());
             SwivelCalls bench = new SwivelCalls("127.0.0.1", server.rpcPort());
             SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpcPort()).build()) {
            Versions.await(bench.service()::version, "1.0.0", SERVE_TIMEOUT);
            String largeName = GeneratedBundles.name(large) + ".jar";
            Supplier<String> largeVersion = generated.version(client, large);
            double smallMs = timedMove(server, smallJar, GeneratedBundles.name(small) + ".jar",
                    generated.version(client, small), "1.0.0");
            double largeMs = timedMove(server, largeV1, largeName, largeVersion, "1.0.0");
            double replaceMs = timedMove(server, largeV2, largeName, largeVersion, "1.0.1");
            context.progress().say("  large bundle r%d: small jar → serving %.0f ms; %d MiB jar with %d nested → serving %.0f ms, "
                    + "replaced → serving %.0f ms", round, smallMs, Files.size(largeV1) >> 20, libs + 1, largeMs, replaceMs);
            return new Large(smallMs, largeMs, replaceMs, Files.size(largeV1), Files.size(smallJar));
        }
    }

    /** Stages a jar, renames it in, and times the rename until the version answers. */
    private static double timedMove(SwivelServerProcess server, Path jar, String fileName, Supplier<String> version,
                                    String expected) throws java.io.IOException {
        Path staged = server.stage(jar, fileName);
        long start = System.nanoTime();
        Files.move(staged, server.deployDir().resolve(fileName), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Versions.await(version, expected, SERVE_TIMEOUT);
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * One level of bundles.
     *
     * @param bundles bundles serving
     * @param memory after a full GC
     * @param rssKib resident set
     * @param batchMs the time the bundles added for this level took to all answer
     * @param swapMs the benchmark bundle's swaps, there and back
     * @param newMs new bundles, rename → first answer
     */
    record Level(int bundles, Jcmd.Memory memory, long rssKib, double batchMs, List<Double> swapMs, List<Double> newMs) {
    }

    /**
     * One round of the large bundle.
     *
     * @param smallMs a small bundle, rename → first answer
     * @param largeMs the large bundle, rename → first answer
     * @param replaceMs its next version, rename → first answer
     * @param largeBytes the large jar's size
     * @param smallBytes the small jar's size
     */
    record Large(double smallMs, double largeMs, double replaceMs, long largeBytes, long smallBytes) {
    }
}
