package io.swivel.systest.zk;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.server.ServerCnxn;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A standalone ZooKeeper server as a process of its own, for the system tests: listens on
 * 127.0.0.1 (port from the arguments, 0 for any free one), prints {@code ZooKeeper ready:
 * 127.0.0.1:PORT}, and obeys commands on stdin: {@code expire-all} expires every session that has
 * a connection now and prints {@code expired N session(s): ids}. It exits when stdin ends, so it
 * never outlives the test JVM that started it.
 *
 * <p>Usage: {@code ZooKeeperMain DATA_DIR PORT TICK_MILLIS}
 */
public final class ZooKeeperMain {

    private ZooKeeperMain() {
    }

    /**
     * Runs the server until stdin ends.
     *
     * @param args data directory, port, tick time in milliseconds
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ZooKeeperMain DATA_DIR PORT TICK_MILLIS");
            System.exit(2);
        }
        File dataDir = new File(args[0]);
        int port = Integer.parseInt(args[1]);
        int tick = Integer.parseInt(args[2]);
        ZooKeeperServer server = new ZooKeeperServer(new File(dataDir, "snap"), new File(dataDir, "log"), tick);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 100);
        factory.startup(server);
        System.out.println("ZooKeeper ready: 127.0.0.1:" + factory.getLocalPort());
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command; (command = commands.readLine()) != null; ) {
            if (command.trim().equals("expire-all")) {
                List<String> expired = new ArrayList<>();
                for (ServerCnxn connection : factory.getConnections()) {
                    long session = connection.getSessionId();
                    if (session != 0) {
                        server.expire(session);
                        expired.add("0x" + Long.toHexString(session));
                    }
                }
                System.out.println("expired " + expired.size() + " session(s): " + expired);
            } else if (!command.isBlank()) {
                System.out.println("unknown command: " + command.trim() + " (expected: expire-all)");
            }
            System.out.flush();
        }
        factory.shutdown();
        server.shutdown();
    }
}
