package io.swivel.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.swivel.server.bundle.BundleGeneration;
import io.swivel.server.dispatch.BundleSlot;
import io.swivel.server.dispatch.Dispatcher;
import io.swivel.server.dispatch.ServiceDirectory;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on the admin port: {@code GET /v1/health} (open), and behind the
 * bearer token {@code GET /v1/bundles}, {@code GET /v1/bundles/{name}},
 * {@code POST /v1/bundles/{name}/undeploy} and {@code POST /v1/call}. Requests run on a small pool of their own, never on a network thread
 * of the RPC server.
 */
public final class AdminServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final ServiceDirectory directory;
    private final AdminToken token;
    private final ObjectMapper mapper = HttpJson.serverMapper();
    private final CallResource calls;
    private final Function<String, Optional<String>> undeploy;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * Creates the admin server; nothing listens until {@link #start}.
     *
     * @param directory the served bundles
     * @param dispatcher runs calls from {@code POST /v1/call}
     * @param token the bearer token
     * @param undeploy undeploys a bundle by name; answers what was undeployed, or empty if no
     *     such bundle serves
     */
    public AdminServer(ServiceDirectory directory, Dispatcher dispatcher, AdminToken token,
                       Function<String, Optional<String>> undeploy) {
        this.directory = directory;
        this.token = token;
        this.undeploy = undeploy;
        this.calls = new CallResource(directory, dispatcher, mapper);
    }

    /**
     * Binds and starts serving.
     *
     * @param bind the address to bind
     * @param port the port, 0 for ephemeral
     * @return the bound address
     * @throws IOException if the port cannot be bound
     */
    public synchronized InetSocketAddress start(String bind, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "swivel-admin-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        InetSocketAddress address = server.getAddress();
        log.info("admin API on http://{}:{}/", address.getHostString(), address.getPort());
        return address;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/v1/health")) {
                HttpJson.write(exchange, 200, Map.of("status", "UP", "bundles", directory.slots().size()), mapper);
                return;
            }
            if (!token.matches(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"swivel\"");
                HttpJson.error(exchange, 401, "UNAUTHORIZED", "missing or wrong bearer token; "
                        + "it is in <data-dir>/admin.token", mapper);
                return;
            }
            route(exchange, method, path);
        } catch (RuntimeException e) {
            log.warn("admin request {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), e);
            answerIfUnanswered(exchange, 500, "INTERNAL", "the server failed: " + e.getMessage() + " (details in its log)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answerIfUnanswered(exchange, 503, "UNAVAILABLE", "the server is shutting down");
        } finally {
            exchange.close();
        }
    }

    /** A failed route must still answer, or the CLI would report the server as unreachable. */
    private void answerIfUnanswered(HttpExchange exchange, int status, String code, String message) throws IOException {
        if (exchange.getResponseCode() == -1) {
            HttpJson.error(exchange, status, code, message, mapper);
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException, InterruptedException {
        if (path.equals("/v1/bundles") && method.equals("GET")) {
            List<Object> bundles = new ArrayList<>();
            for (BundleSlot slot : directory.slots()) {
                bundles.add(describe(slot));
            }
            HttpJson.write(exchange, 200, bundles, mapper);
        } else if (path.startsWith("/v1/bundles/") && method.equals("GET")) {
            String name = path.substring("/v1/bundles/".length());
            BundleSlot slot = directory.slot(name);
            if (slot == null) {
                HttpJson.error(exchange, 404, "NOT_FOUND", "no bundle " + name + "; bundles: "
                        + directory.slots().stream().map(BundleSlot::name).toList(), mapper);
            } else {
                HttpJson.write(exchange, 200, describe(slot), mapper);
            }
        } else if (path.startsWith("/v1/bundles/") && path.endsWith("/undeploy") && method.equals("POST")) {
            String name = path.substring("/v1/bundles/".length(), path.length() - "/undeploy".length());
            Optional<String> done = undeploy.apply(name);
            if (done.isEmpty()) {
                HttpJson.error(exchange, 404, "NOT_FOUND", "no bundle " + name + " serves here; bundles: "
                        + directory.slots().stream().map(BundleSlot::name).toList(), mapper);
            } else {
                HttpJson.write(exchange, 200, Map.of("status", "OK", "bundle", name, "message", done.get()), mapper);
            }
        } else if (path.equals("/v1/call") && method.equals("POST")) {
            CallResource.Answer answer;
            try {
                answer = calls.call(HttpJson.readBody(exchange));
            } catch (IOException e) {
                HttpJson.error(exchange, 413, "BAD_REQUEST", e.getMessage(), mapper);
                return;
            }
            HttpJson.write(exchange, answer.httpStatus(), answer.body(), mapper);
        } else {
            HttpJson.error(exchange, 404, "NOT_FOUND", "no route " + method + " " + path, mapper);
        }
    }

    private static Map<String, Object> describe(BundleSlot slot) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("name", slot.name());
        BundleGeneration active = slot.active();
        if (active != null) {
            Map<String, Object> version = new LinkedHashMap<>();
            version.put("version", active.version());
            version.put("state", active.state().name());
            version.put("sha256", active.descriptor().sha256());
            version.put("jar", active.descriptor().source().getFileName().toString());
            version.put("inFlight", active.inFlight());
            version.put("services", active.serviceNames());
            bundle.put("active", version);
        }
        return bundle;
    }

    /** Stops serving. Idempotent. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }
}
