package io.swivel.server.internal.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per ZooKeeper fault and one when it is over, instead of the ZooKeeper client's
 * warning with a stack trace at every reconnect attempt (which {@code logback.xml} turns off):
 * unreachable (suspended), session lost, back (reconnected, after how long, and whether the
 * registrations were kept or are written again).
 */
final class ZooKeeperConnectionLog implements ConnectionStateListener {

    private static final Logger log = LoggerFactory.getLogger(Registration.class);

    private final String connectString;
    private final Duration sessionTimeout;
    private final LongSupplier nanoTime;
    private long downSince;
    private boolean down;
    private boolean sessionLost;

    ZooKeeperConnectionLog(String connectString, Duration sessionTimeout, LongSupplier nanoTime) {
        this.connectString = connectString;
        this.sessionTimeout = sessionTimeout;
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized void stateChanged(CuratorFramework client, ConnectionState state) {
        switch (state) {
            case SUSPENDED -> {
                if (!down) {
                    down = true;
                    downSince = nanoTime.getAsLong();
                    log.warn("ZooKeeper at {} does not answer; calls go on, and this server's registrations stay "
                            + "while its session lives ({} s, --zk-session-timeout)", connectString, sessionTimeout.toSeconds());
                }
            }
            case LOST -> {
                if (!sessionLost) {
                    sessionLost = true;
                    if (!down) {
                        down = true;
                        downSince = nanoTime.getAsLong();
                    }
                    log.warn("ZooKeeper session lost ({} s without ZooKeeper at {}); this server's registrations are "
                            + "written again when it is back", seconds(), connectString);
                }
            }
            case RECONNECTED -> {
                if (down) {
                    log.info("ZooKeeper at {} is back after {} s; {}", connectString, seconds(), sessionLost
                            ? "new session, this server's registrations are written again" : "same session, registrations kept");
                }
                down = false;
                sessionLost = false;
            }
            default -> {
                // CONNECTED (the first connection) and READ_ONLY say nothing an operator acts on
            }
        }
    }

    private String seconds() {
        return String.format(java.util.Locale.ROOT, "%.1f", (nanoTime.getAsLong() - downSince) / 1e9);
    }
}
