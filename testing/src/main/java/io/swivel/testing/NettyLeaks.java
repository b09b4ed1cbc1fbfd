package io.swivel.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Makes a buffer leak fail a test: collects what Netty's leak detector reports (it only logs
 * {@code LEAK: ...}) while watching, and {@link #assertNone()} throws if it reported anything.
 * Needs {@code -Dio.netty.leakDetection.level=paranoid} (the surefire settings of the build), so
 * that every buffer is tracked.
 *
 * <p>Netty reports each distinct leak (its allocation and access records) only once per JVM: a
 * leak at a site that already leaked, the same way, earlier in the same JVM (in another test of
 * the same surefire fork, say) is not reported again, so this watch misses it. A test passes
 * here only if none of its leaks is new to the JVM; one that must see a repeated leak (such as a
 * test of this class) has to leak from a site of its own.
 *
 * <pre>{@code
 * try (NettyLeaks leaks = NettyLeaks.watch()) {
 *     ... code that allocates and releases buffers ...
 *     leaks.assertNone();
 * }
 * }</pre>
 */
public final class NettyLeaks implements AutoCloseable {

    private static final String DETECTOR_LOGGER = ResourceLeakDetector.class.getName();
    private static final int COLLECTIONS = 10;

    private final Logger logger;
    private final AppenderBase<ILoggingEvent> appender;
    private final List<String> reports = new CopyOnWriteArrayList<>();

    private NettyLeaks() {
        this.logger = (Logger) LoggerFactory.getLogger(DETECTOR_LOGGER);
        this.appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getFormattedMessage().startsWith("LEAK:")) {
                    reports.add(event.getFormattedMessage());
                }
            }
        };
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /**
     * Starts collecting leak reports.
     *
     * @return the watch, to close at the end
     * @throws IllegalStateException if the detector is not at its paranoid level
     */
    public static NettyLeaks watch() {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("Netty's leak detection is " + ResourceLeakDetector.getLevel()
                    + "; run the test with -Dio.netty.leakDetection.level=paranoid");
        }
        return new NettyLeaks();
    }

    /**
     * Collects garbage a few times and has the detector look at what was collected (it does so when
     * the next buffer is allocated), then fails if it reported a leak since {@link #watch()}.
     *
     * @throws AssertionError with the reports, if there were any
     */
    public void assertNone() {
        for (int i = 0; i < COLLECTIONS && reports.isEmpty(); i++) {
            collectAndPoll();
        }
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " Netty buffer(s) garbage-collected without release():\n"
                    + String.join("\n", reports));
        }
    }

    /**
     * Waits, collecting garbage, until the detector reports a leak (for a test of this class).
     *
     * @param limit how long to try
     * @return whether a leak was reported in time
     */
    public boolean awaitLeak(Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (reports.isEmpty() && System.nanoTime() - end < 0) {
            collectAndPoll();
        }
        return !reports.isEmpty();
    }

    private static void collectAndPoll() {
        System.gc();
        for (ByteBuf probe : List.of(PooledByteBufAllocator.DEFAULT.directBuffer(1), PooledByteBufAllocator.DEFAULT.heapBuffer(1),
                UnpooledByteBufAllocator.DEFAULT.directBuffer(1), UnpooledByteBufAllocator.DEFAULT.heapBuffer(1))) {
            probe.release();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
