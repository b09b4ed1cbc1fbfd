package io.swivel.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM during each test, kept in memory for the test to read: a JUnit
 * extension, {@code @RegisterExtension final CapturedLogs logs = new CapturedLogs();}.
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;

    /** Captures nothing until a test begins. */
    public CapturedLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(context);
    }

    @Override
    public void beforeEach(ExtensionContext test) {
        synchronized (appender.list) {
            appender.list.clear();
        }
        appender.start();
        root.addAppender(appender);
    }

    /**
     * The events so far from a logger whose name ends with {@code loggerSuffix} and whose message
     * contains {@code containing}.
     */
    public List<ILoggingEvent> events(String loggerSuffix, String containing) {
        synchronized (appender.list) {
            return appender.list.stream()
                    .filter(e -> e.getLoggerName().endsWith(loggerSuffix) && e.getFormattedMessage().contains(containing))
                    .toList();
        }
    }

    /** The messages so far, from any logger, that contain {@code containing}. */
    public List<String> messages(String containing) {
        return events("", containing).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void afterEach(ExtensionContext test) {
        root.detachAppender(appender);
        appender.stop();
    }
}
