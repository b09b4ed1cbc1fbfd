package io.swivel.server.internal.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's file descriptors, as far as the JVM tells them (Unix only): the limit and how many
 * are open. Where the JVM does not know, both are -1 and nothing is limited by them.
 */
class FileDescriptors {

    private final com.sun.management.UnixOperatingSystemMXBean unix;

    FileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        this.unix = os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null;
    }

    /** @return the process's limit (RLIMIT_NOFILE), or -1 if unknown */
    long max() {
        return unix != null ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** @return the descriptors open now, or -1 if unknown; costs a directory listing, call it sparingly */
    long open() {
        return unix != null ? unix.getOpenFileDescriptorCount() : -1;
    }

    /**
     * The descriptors kept free for everything else the process opens (the admin API, the deploy
     * watcher and its jars, ZooKeeper, logs): a tenth of the limit, at least 64 and at most 1,024.
     *
     * @param max the limit
     * @return the reserve
     */
    static long reserve(long max) {
        return Math.max(64, Math.min(1024, max / 10));
    }
}
