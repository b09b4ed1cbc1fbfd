package io.swivel.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.server.cluster.Registration;
import io.swivel.server.deploy.Deployer;
import io.swivel.server.dispatch.Dispatcher;
import io.swivel.server.dispatch.ServiceDirectory;
import io.swivel.server.metrics.PrometheusServerMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on the admin port: {@code GET /v1/health} (open), and behind the token
 * the bundle routes ({@link BundlesResource}: list, one, rollback, undeploy),
 * {@code POST /v1/call}, {@code GET /v1/services} ({@link ServicesResource}), {@code GET /metrics}
 * (Prometheus text) and the admin web page at {@code /} ({@link AdminPage}). Requests run on a
 * small pool of their own, never on a network thread of the RPC server.
 *
 * <p>The token comes as {@code Authorization: Bearer <token>} (the CLI, scrapers) or in the
 * {@value AdminToken#COOKIE} cookie (the page). A state-changing request authorized by the
 * cookie alone must also carry {@value #CSRF_HEADER}{@code : 1}, which a cross-site form cannot
 * send. Without a valid token, {@code GET /} answers 401 with a sign-in page.
 */
public final class AdminServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** The header a request authorized by the cookie must carry to change anything. */
    public static final String CSRF_HEADER = "X-Swivel-Request";

    private final ServiceDirectory directory;
    private final AdminToken token;
    private final ObjectMapper mapper = HttpJson.serverMapper();
    private final CallResource calls;
    private final BundlesResource bundles;
    private final ServicesResource services;
    private final PrometheusServerMetrics metrics;
    private final AdminPage page = new AdminPage();
    private HttpServer server;
    private ExecutorService executor;

    /**
     * Creates the admin server; nothing listens until {@link #start}.
     *
     * @param directory the served bundles
     * @param dispatcher runs calls from {@code POST /v1/call}
     * @param token the bearer token
     * @param deployer shows bundles and rolls them back
     * @param undeploy undeploys a bundle by name; answers what was undeployed, or empty if no
     *     such bundle serves
     * @param leakTracker reports closed loaders not yet collected
     * @param metrics scraped at {@code GET /metrics}
     * @param registration this server's ZooKeeper registration, or null with {@code --zookeeper none}
     *     (asked per request: it connects after the admin server is built)
     */
    public AdminServer(ServiceDirectory directory, Dispatcher dispatcher, AdminToken token, Deployer deployer,
                       Function<String, Optional<String>> undeploy, LoaderLeakTracker leakTracker,
                       PrometheusServerMetrics metrics, Supplier<Registration> registration) {
        this.directory = directory;
        this.token = token;
        this.calls = new CallResource(directory, dispatcher, mapper);
        this.bundles = new BundlesResource(deployer, undeploy, leakTracker, mapper);
        this.services = new ServicesResource(registration);
        this.metrics = metrics;
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
            if (page.servePublic(exchange, method, path)) {
                return;
            }
            boolean bearer = token.matches(exchange.getRequestHeaders().getFirst("Authorization"));
            if (!bearer && !token.matchesCookie(exchange.getRequestHeaders().get("Cookie"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"swivel\"");
                if (AdminPage.isPage(path) && method.equals("GET")) {
                    page.signIn(exchange);
                    return;
                }
                HttpJson.error(exchange, 401, "UNAUTHORIZED", "missing or wrong bearer token; "
                        + "it is in <data-dir>/admin.token", mapper);
                return;
            }
            if (!bearer && !method.equals("GET") && !method.equals("HEAD")
                    && !"1".equals(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
                HttpJson.error(exchange, 403, "FORBIDDEN", "a " + method + " authorized by the " + AdminToken.COOKIE
                        + " cookie must carry the header " + CSRF_HEADER + ": 1", mapper);
                return;
            }
            if (page.serveProtected(exchange, method, path)) {
                return;
            }
            if (path.equals("/metrics")) {
                scrape(exchange, method);
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
        byte[] body;
        try {
            body = HttpJson.readBody(exchange);
        } catch (IOException e) {
            HttpJson.error(exchange, 413, "BAD_REQUEST", e.getMessage(), mapper);
            return;
        }
        CallResource.Answer answer;
        if (BundlesResource.handles(path)) {
            answer = bundles.handle(method, path, body);
        } else if (path.equals("/v1/call") && method.equals("POST")) {
            answer = calls.call(body);
        } else if (path.equals(ServicesResource.PATH)) {
            answer = services.handle(method);
        } else {
            answer = new CallResource.Answer(404, Map.of("status", "NOT_FOUND", "message", "no route " + method + " " + path));
        }
        HttpJson.write(exchange, answer.httpStatus(), answer.body(), mapper);
    }

    private void scrape(HttpExchange exchange, String method) throws IOException {
        if (!method.equals("GET")) {
            HttpJson.error(exchange, 405, "METHOD_NOT_ALLOWED", "use GET /metrics", mapper);
            return;
        }
        PrometheusServerMetrics.Scrape scrape = metrics.scrape(exchange.getRequestHeaders().getFirst("Accept"));
        byte[] bytes = scrape.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", scrape.contentType());
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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
