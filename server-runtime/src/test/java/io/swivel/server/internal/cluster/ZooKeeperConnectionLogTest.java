package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One line per ZooKeeper fault and one when it is over, on a clock the test moves. */
class ZooKeeperConnectionLogTest {

    private final AtomicLong now = new AtomicLong();
    private final ZooKeeperConnectionLog log = new ZooKeeperConnectionLog("zk1:2181", Duration.ofSeconds(15), now::get);
    private final Logger logger = (Logger) LoggerFactory.getLogger(Registration.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void anOutageThatTheSessionSurvives() {
        log.stateChanged(null, ConnectionState.CONNECTED);
        log.stateChanged(null, ConnectionState.SUSPENDED);
        log.stateChanged(null, ConnectionState.SUSPENDED);
        now.addAndGet(Duration.ofMillis(3_250).toNanos());
        log.stateChanged(null, ConnectionState.RECONNECTED);
        assertThat(messages()).containsExactly(
                "WARN ZooKeeper at zk1:2181 does not answer; calls go on, and this server's registrations stay while its "
                        + "session lives (15 s, --zk-session-timeout)",
                "INFO ZooKeeper at zk1:2181 is back after 3.3 s; same session, registrations kept");
    }

    @Test
    void anOutageLongerThanTheSession() {
        log.stateChanged(null, ConnectionState.SUSPENDED);
        now.addAndGet(Duration.ofSeconds(15).toNanos());
        log.stateChanged(null, ConnectionState.LOST);
        log.stateChanged(null, ConnectionState.LOST);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        log.stateChanged(null, ConnectionState.RECONNECTED);
        log.stateChanged(null, ConnectionState.RECONNECTED);
        assertThat(messages()).hasSize(3);
        assertThat(messages().get(1)).isEqualTo("WARN ZooKeeper session lost (15.0 s without ZooKeeper at zk1:2181); "
                + "this server's registrations are written again when it is back");
        assertThat(messages().get(2)).isEqualTo(
                "INFO ZooKeeper at zk1:2181 is back after 20.0 s; new session, this server's registrations are written again");
    }

    private List<String> messages() {
        return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
}
