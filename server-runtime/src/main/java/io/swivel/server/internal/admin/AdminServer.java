package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.protocol.transport.NettyTransport;
import io.swivel.server.internal.cluster.Registration;
import io.swivel.server.config.Limits;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.Canaries;
import io.swivel.server.internal.deploy.Deployments;
import io.swivel.server.internal.deploy.EventLog;
import io.swivel.server.internal.deploy.Shadows;
import io.swivel.server.internal.dispatch.BundleSlot;
import io.swivel.server.internal.dispatch.Dispatcher;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.server.internal.health.ServerHealth;
import io.swivel.server.internal.Threads;
import io.swivel.server.internal.tls.ServerTls;
import io.swivel.server.internal.metrics.PrometheusServerMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on the admin port: {@code GET /v1/health} (open), and behind the token
 * the bundle routes ({@link BundlesResource}: list, one, rollback, undeploy),
 * {@code POST /v1/call}, {@code GET /v1/services} ({@link ServicesResource}), {@code GET /metrics}
 * (Prometheus text), the admin web page at {@code /} ({@link AdminPage}) and its sign-in and
 * sign-out ({@code POST /v1/signin}, {@code POST /v1/signout}), and the jar routes
 * ({@link BundleTransfers}): {@code POST /v1/bundles} (an upload, streamed to the deploy directory,
 * at most {@code --max-upload-size} within {@code --upload-timeout}) and
 * {@code GET /v1/bundles/{name}/jar} (the jar a bundle serves, for a peer).
 *
 * <p>Served by Netty's HTTP codec on an event loop of its own (never the RPC server's), so that no
 * client can hold it: a request's header and body must arrive within {@code --admin-read-timeout};
 * at most {@code --admin-max-connections} connections are served, and a few more beyond them are
 * accepted to answer {@code /v1/health} only; bodies are capped at {@code --admin-max-body-size} bytes;
 * {@code /v1/health} is answered on the event loop from non-blocking state, whatever the rest does;
 * routes that read state, take locks or call bundles run on a small bounded pool; calls hold one of
 * {@code --admin-max-calls} permits, not a thread. Every refusal is counted ({@link Refusals}).
 *
 * <p>The token comes as {@code Authorization: Bearer <token>} (the CLI, scrapers) or in the
 * {@code swivel_token_<port>} cookie (the page; {@link AdminToken#cookieName(int)}) that
 * {@code POST /v1/signin} sets {@code HttpOnly}. A state-changing request authorized by the cookie
 * alone must also carry {@value #CSRF_HEADER}{@code : 1}, which a cross-site form cannot send.
 * Without a valid token, {@code GET /} answers 401 with a sign-in page.
 */
public final class AdminServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** The header a request authorized by the cookie must carry to change anything. */
    public static final String CSRF_HEADER = "X-Swivel-Request";
    /** Connections accepted beyond {@code --admin-max-connections} to answer {@code /v1/health} only. */
    static final int HEALTH_RESERVE = 16;
    /** Of those, how many one remote address may hold at once: one peer alone cannot take the reserve. */
    static final int HEALTH_RESERVE_PER_ADDRESS = HEALTH_RESERVE / 2;
    /** How long a connection beyond the cap may take to send its request. */
    static final long OVER_CAP_READ_MILLIS = 2000;
    static final int WORKERS = 4;
    static final int QUEUED = 64;
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;

    private final ObjectMapper mapper = HttpJson.serverMapper();
    private final Limits limits;
    private final Refusals refusals;
    private final AdminRoutes routes;
    private final ThreadPoolExecutor executor;
    /** Where uploads are written and downloads read: file I/O, never on the event loop. */
    private final ThreadPoolExecutor transferExecutor;
    private final BundleTransfers transfers;
    private final AtomicInteger open = new AtomicInteger();
    /** Connections beyond the cap (in the health reserve) open now, by remote address. */
    private final ConcurrentHashMap<InetAddress, AtomicInteger> reserveByAddress = new ConcurrentHashMap<>();
    private final ChannelGroup connections = new DefaultChannelGroup("swivel-admin", ImmediateEventExecutor.INSTANCE);
    private final AdminReply timedOut;
    private EventLoopGroup group;
    private Channel serverChannel;
    /** The TLS of HTTPS, or null for plain HTTP; set by {@link #start}. */
    private volatile ServerTls tls;

    /**
     * Creates the admin server; nothing listens until {@link #start}.
     *
     * @param directory the served bundles
     * @param dispatcher runs calls from {@code POST /v1/call}
     * @param token the bearer token
     * @param deployments shows bundles and rolls them back
     * @param canaries starts canaries and acts on them
     * @param shadows starts, stops, promotes and reports on shadows
     * @param events the deploy path's last events, for {@code GET /v1/events}
     * @param undeploy undeploys a bundle by name; answers what was undeployed, or empty if no
     *     such bundle serves
     * @param leakTracker reports closed loaders not yet collected
     * @param metrics scraped at {@code GET /metrics}; the admin API's own meters join them
     * @param registration this server's ZooKeeper registration, or null with {@code --zookeeper none}
     *     (asked per request: it connects after the admin server is built)
     * @param health what {@code /v1/health} reports
     * @param limits the admin API's connection, call, read-timeout and upload bounds
     * @param upload receives the jars of {@code POST /v1/bundles} into the deploy directory
     */
    public AdminServer(ServiceDirectory directory, Dispatcher dispatcher, AdminToken token, Deployments deployments,
                       Canaries canaries, Shadows shadows, EventLog events, Function<String, Optional<String>> undeploy, LoaderLeakTracker leakTracker,
                       PrometheusServerMetrics metrics, Supplier<Registration> registration, ServerHealth health,
                       Limits limits, BundleUpload upload) {
        this.limits = limits;
        MeterRegistry registry = metrics.registry();
        this.refusals = new Refusals(registry);
        this.executor = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
                Threads.daemon("swivel-admin"));
        this.executor.allowCoreThreadTimeOut(true);
        // the transfers hold permits (--admin-max-transfers), so their tasks never queue deep
        this.transferExecutor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
                Threads.daemon("swivel-admin-transfer"));
        this.transferExecutor.allowCoreThreadTimeOut(true);
        this.transfers = new BundleTransfers(token, upload, name -> servedJar(directory, name), mapper, refusals,
                transferExecutor, limits.uploadTimeout(), limits.adminMaxTransfers());
        this.routes = new AdminRoutes(directory, health, token, mapper, new CallResource(directory, dispatcher, mapper),
                new BundlesResource(deployments, canaries, shadows, undeploy, leakTracker, mapper), new ServicesResource(registration),
                new EventsResource(events, registration), metrics,
                refusals, executor, WORKERS + " workers and " + QUEUED + " queued requests", limits.adminMaxCalls(),
                limits.adminMaxConnections());
        this.timedOut = AdminReply.error(408, "REQUEST_TIMEOUT", "the request did not arrive complete within "
                + limits.adminReadTimeout().toMillis() + " ms (--admin-read-timeout); closing", mapper);
        Gauge.builder("swivel.admin.connections", open, AtomicInteger::get)
                .description("Open admin HTTP connections (beyond --admin-max-connections only /v1/health is answered)")
                .register(registry);
        Gauge.builder("swivel.admin.calls.running", routes, AdminRoutes::runningCalls)
                .description("POST /v1/call requests running now (at most --admin-max-calls)")
                .register(registry);
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
        return start(bind, port, null);
    }

    /**
     * Binds and starts serving, over HTTPS when asked (the server's certificate, newest context
     * per connection; no client certificate is asked: the admin token authenticates).
     *
     * @param bind the address to bind
     * @param port the port, 0 for ephemeral
     * @param tls the server's TLS for HTTPS, or null for plain HTTP
     * @return the bound address
     * @throws IOException if the port cannot be bound
     */
    public synchronized InetSocketAddress start(String bind, int port, ServerTls tls) throws IOException {
        this.tls = tls;
        NettyTransport transport = NettyTransport.best();
        group = transport.newGroup(1, "swivel-admin-io");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a client that ends its side after its request still gets the answer
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        accept(channel);
                    }
                });
        try {
            serverChannel = bootstrap.bind(bind, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding the admin port " + bind + ":" + port, e);
        } catch (RuntimeException e) {
            close();
            if (e.getCause() instanceof IOException io) {
                throw new IOException("cannot bind the admin port " + bind + ":" + port + ": " + io.getMessage(), io);
            }
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        if (tls == null) {
            warmUp(address); // over HTTPS the warm-up would need to trust the server's own certificate: skipped
        }
        log.info("admin API on {}://{}:{}/ (at most {} connections, {} calls, read timeout {} ms)",
                tls != null ? "https" : "http", address.getHostString(), address.getPort(), limits.adminMaxConnections(),
                limits.adminMaxCalls(),
                limits.adminReadTimeout().toMillis());
        return address;
    }

    /**
     * Asks this server for {@code /v1/health} once over a real connection before the port is
     * announced: the first probe of a new process (Kubernetes', a script's) then does not pay for
     * loading the HTTP, pipeline and JSON classes, which on a small container can take a second.
     */
    private void warmUp(InetSocketAddress address) {
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, address.getPort()), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + AdminRoutes.HEALTH + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getInputStream().readAllBytes();
        } catch (SocketTimeoutException slow) {
            // Only a warm-up: on a busy machine the first request may take longer; the API serves anyway.
            log.info("the admin API's warm-up request on {}:{} got no answer within 5 s ({}); serving anyway",
                    host, address.getPort(), slow.getMessage());
        } catch (IOException e) {
            log.warn("the admin API did not answer its own warm-up request on {}:{}: {}", host, address.getPort(), e.toString(), e);
        }
    }

    /** Builds one connection's pipeline, or closes it at once beyond the cap and its health reserve. */
    private void accept(SocketChannel channel) {
        int now = open.incrementAndGet();
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        int cap = limits.adminMaxConnections();
        if (now > cap + HEALTH_RESERVE) {
            refusals.refused(Refusals.Cause.CONNECTIONS, "a connection from " + channel.remoteAddress() + ": " + (now - 1)
                    + " admin connections open, more than --admin-max-connections " + cap + " and the " + HEALTH_RESERVE
                    + " kept for /v1/health; closed at once");
            channel.close();
            return;
        }
        boolean overCap = now > cap;
        if (overCap && !takeReserveSlot(channel)) {
            return;
        }
        connections.add(channel);
        long readMillis = limits.adminReadTimeout().toMillis();
        ReadTimer timer = new ReadTimer(overCap ? java.time.Duration.ofMillis(Math.min(readMillis, OVER_CAP_READ_MILLIS))
                : limits.adminReadTimeout(), refusals, timedOut);
        if (tls != null) {
            channel.pipeline().addLast("tls", tls.newAdminHandler(channel.alloc()));
        }
        channel.pipeline()
                .addLast("read-timeout", timer)
                .addLast("write-timeout", new WriteTimeoutHandler(readMillis, TimeUnit.MILLISECONDS))
                .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
        if (!overCap) {
            // A connection over the cap serves /v1/health only: no uploads or downloads, whose
            // permits and longer read time it would take from the connections within the cap.
            channel.pipeline().addLast("transfers", new TransferHandler(transfers, timer));
        }
        channel.pipeline()
                .addLast("body", new BodyLimit(limits.adminMaxBodyBytes(), refusals, mapper))
                .addLast("admin", new AdminHandler(routes, timer, refusals, mapper, overCap));
    }

    /**
     * Counts a connection beyond the cap against its remote address, or closes it at once if that
     * address already holds {@link #HEALTH_RESERVE_PER_ADDRESS} of the health reserve.
     *
     * @return true if the connection may go on
     */
    private boolean takeReserveSlot(SocketChannel channel) {
        InetAddress peer = channel.remoteAddress().getAddress();
        AtomicInteger held = reserveByAddress.compute(peer, (address, count) -> {
            AtomicInteger counted = count != null ? count : new AtomicInteger();
            counted.incrementAndGet();
            return counted;
        });
        channel.closeFuture().addListener(closed -> reserveByAddress.computeIfPresent(peer,
                (address, count) -> count.decrementAndGet() == 0 ? null : count));
        if (held.get() > HEALTH_RESERVE_PER_ADDRESS) {
            refusals.refused(Refusals.Cause.CONNECTIONS_PER_ADDRESS, "a connection from " + channel.remoteAddress()
                    + ": beyond --admin-max-connections " + limits.adminMaxConnections() + " that address already holds "
                    + HEALTH_RESERVE_PER_ADDRESS + " of the " + HEALTH_RESERVE + " kept for /v1/health; closed at once");
            channel.close();
            return false;
        }
        return true;
    }

    /** The jar a bundle serves from now (its private copy in history), for {@code GET /v1/bundles/{name}/jar}. */
    private static Optional<BundleTransfers.ServedJar> servedJar(ServiceDirectory directory, String bundle) {
        BundleSlot slot = directory.slot(bundle);
        BundleGeneration active = slot != null ? slot.active() : null;
        if (active == null) {
            return Optional.empty();
        }
        return Optional.of(new BundleTransfers.ServedJar(bundle, active.version(), active.descriptor().sha256(),
                active.descriptor().staged()));
    }

    /** @return how many connections and requests were refused so far, by cause (for tests) */
    long refused(Refusals.Cause cause) {
        return refusals.count(cause);
    }

    /** Stops serving: closes the port and every connection, stops the workers. Idempotent. */
    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        executor.shutdownNow();
        // Not shutdownNow: a queued task of an upload is what deletes its unfinished file.
        transferExecutor.shutdown();
        try {
            if (!transferExecutor.awaitTermination(2, TimeUnit.SECONDS)) {
                transferExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            transferExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
