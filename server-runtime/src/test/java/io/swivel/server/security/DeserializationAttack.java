package io.swivel.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.protocol.Frame;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deserialization attacks over the wire against a live server with real bundles, shared by
 * {@link DeserializationAllowlistTest} (class names outside the allowlist),
 * {@link DeserializationLengthTest} (a few bytes declaring a huge length) and
 * {@link DeserializationDepthTest} (nesting): each test class starts its own server and one raw
 * connection, and sends its bodies through {@link #vault}. Each attack is answered
 * {@code BAD_REQUEST} on a connection that stays usable, and each has a control: the same body
 * with an honest value is answered {@code OK} with the right result, so the hostile bytes are
 * refused for what they say, not for being malformed.
 */
@Timeout(120)
abstract class DeserializationAttack {

    static final String PARCEL = Parcel.class.getName();
    static final String ENVELOPE = Envelope.class.getName();
    static final String ARRAY_LIST = "java.util.ArrayList";
    static final String HASH_MAP = "java.util.HashMap";

    @TempDir
    static Path root;

    static SecurityServer live;
    static WireConnection wire;
    static final AtomicLong ids = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        live = SecurityServer.start(root);
        wire = new WireConnection(live.address());
        assertThat(live.vault.echo("up")).isEqualTo("echo:up");
    }

    @AfterAll
    static void stop() throws Exception {
        if (wire != null) {
            wire.close();
        }
        if (live != null) {
            live.close();
        }
    }

    /** Sends one request on the shared raw connection and returns its answer. */
    private static ResponseFrame call(String service, String method, byte[] body) throws Exception {
        long id = ids.incrementAndGet();
        Class<?> api = service.equals(VaultBundle.SERVICE) ? Vault.class : io.swivel.samples.greeter.Greeter.class;
        wire.send(SecurityServer.bytes(new RequestFrame(id, service, SecurityServer.methodKey(api, method), "", 30_000, body)));
        Frame frame = wire.read();
        assertThat(frame).as("the answer to request %d (the connection closed instead)", id).isInstanceOf(ResponseFrame.class);
        assertThat(frame.requestId()).isEqualTo(id);
        return (ResponseFrame) frame;
    }

    static ResponseFrame vault(String method, byte[] body) throws Exception {
        return call(VaultBundle.SERVICE, method, body);
    }

    static Object ok(ResponseFrame response) {
        assertThat(response.status()).as("%s", response.status() == Status.OK ? "" : response.bodyAsMessage())
                .isEqualTo(Status.OK);
        return live.encoding.decode(response.body(), 1)[0];
    }

    static void assertServerFine() {
        assertThat(live.vault.echo("still fine")).isEqualTo("echo:still fine");
        assertThat(live.greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
    }
}
