package io.swivel.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM from {@link #start()} until {@link #close()}, kept in memory for
 * a test to read.
 */
final class CapturedLogs implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;

    private CapturedLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    /** @return a capture that runs until closed */
    static CapturedLogs start() {
        return new CapturedLogs();
    }

    /**
     * The events so far from a logger whose name ends with {@code loggerSuffix} and whose message
     * contains {@code containing}.
     */
    List<ILoggingEvent> events(String loggerSuffix, String containing) {
        synchronized (appender.list) {
            return appender.list.stream()
                    .filter(e -> e.getLoggerName().endsWith(loggerSuffix) && e.getFormattedMessage().contains(containing))
                    .toList();
        }
    }

    /** The messages so far, from any logger, that contain {@code containing}. */
    List<String> messages(String containing) {
        return events("", containing).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
