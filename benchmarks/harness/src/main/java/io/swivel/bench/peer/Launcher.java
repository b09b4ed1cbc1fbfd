package io.swivel.bench.peer;

import io.swivel.bench.proc.JavaCommand;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What it takes to start peer processes: the common JVM flags, the harness's classpath (gRPC and
 * ceiling servers, load generators), the Swivel server's classpath (server-runtime's jar and its
 * lib, as {@code ./swivel} runs it), the benchmark bundle, and where logs and server directories go.
 *
 * @param java the JVM command shared by every process
 * @param harnessClasspath the classpath of the harness
 * @param swivelClasspath the classpath of {@code swivel serve}
 * @param bundleJar the benchmark bundle jar (version 1.0.0)
 * @param workDir logs and server directories
 */
public record Launcher(JavaCommand java, String harnessClasspath, String swivelClasspath, Path bundleJar,
                       Path workDir) {

    /**
     * Checks the values.
     *
     * @param java the JVM command
     * @param harnessClasspath the harness classpath
     * @param swivelClasspath the server classpath
     * @param bundleJar the bundle
     * @param workDir the working directory
     */
    public Launcher {
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(harnessClasspath, "harnessClasspath");
        Objects.requireNonNull(swivelClasspath, "swivelClasspath");
        Objects.requireNonNull(bundleJar, "bundleJar");
        Objects.requireNonNull(workDir, "workDir");
    }
}
