package io.swivel.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time used by a process: this one through its management bean, another through Linux's {@code /proc}. */
public final class ProcessCpu {

    /** Linux's clock ticks per second, {@code getconf CLK_TCK}: 100 on every common kernel. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** @return the CPU time this process used so far, user and system, in nanoseconds */
    public static long self() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The CPU time another process used so far, user and system, from {@code /proc/PID/stat}.
     *
     * @param pid the process
     * @return seconds, with the 10 ms resolution of clock ticks
     * @throws IOException if the process is gone or this is not Linux
     */
    public static double of(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }
}
