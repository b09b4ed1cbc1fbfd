package io.swivel.server.security;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.client.SwivelClient;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.SwivelServer;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.config.ServerConfig;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A real server on an ephemeral loopback port serving two real bundles: the sample greeter
 * (greeter-v1, built by Maven) and the {@link VaultBundle}; a real client for well-behaved
 * calls; and the client's own encoding of arguments, for building real request frames.
 */
final class SecurityServer implements AutoCloseable {

    static final String GREETER = Greeter.class.getName();

    final SwivelServer server;
    final SwivelClient client;
    final Greeter greeter;
    final Vault vault;
    /** Encodes arguments exactly as the client's proxies do. */
    final SerializationContext encoding;

    private SecurityServer(SwivelServer server) {
        this.server = server;
        this.client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build();
        this.greeter = client.proxy(Greeter.class);
        this.vault = client.proxy(Vault.class);
        this.encoding = SerializationContext.create(SecurityServer.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Greeter.class, Vault.class)), ServerConfig.defaults().maxFrameLength());
    }

    static SecurityServer start(Path root) throws Exception {
        Path deploy = root.resolve("deploy");
        Files.createDirectories(deploy);
        String bundles = System.getProperty("swivel.test.bundles");
        if (bundles == null) {
            throw new IllegalStateException("swivel.test.bundles is not set; run the tests with Maven");
        }
        Files.copy(Path.of(bundles, "greeter-v1.jar"), deploy.resolve("greeter.jar"));
        VaultBundle.build(root.resolve("work"), deploy.resolve("vault.jar"));
        ServerConfig config = ServerConfig.defaults()
                .withDeployDir(deploy)
                .withDataDir(root.resolve("data"))
                .withPorts(0, 0)
                .withStepTimeout(Duration.ofSeconds(10))
                .with(c -> c.zookeeper = ServerConfig.NO_ZOOKEEPER);
        SwivelServer server = SwivelServer.start(config);
        try {
            for (String service : List.of(GREETER, VaultBundle.SERVICE)) {
                if (server.directory().find(service) == null) {
                    throw new IllegalStateException(service + " is not served; services: "
                            + server.directory().serviceNames());
                }
            }
            return new SecurityServer(server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return server.rpcAddress();
    }

    int maxFrameLength() {
        return server.config().maxFrameLength();
    }

    /** The generation serving a service now. */
    BundleGeneration generation(String service) {
        return server.directory().find(service);
    }

    /** The wire key of a method of one of the two service interfaces. */
    static String methodKey(Class<?> service, String name) {
        Method method = Arrays.stream(service.getMethods()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no method " + name + " in " + service.getName()));
        return MethodKeys.of(method);
    }

    /** The bytes of one frame, length prefix included, as the client's encoder writes them. */
    static byte[] bytes(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameEncoder.encode(frame, buf, Integer.MAX_VALUE);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
