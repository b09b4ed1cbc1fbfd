package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.client.SwivelClient;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.samples.greeter.Greeter;
import java.nio.file.Path;
import com.esotericsoftware.kryo.io.Output;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames no honest client sends: each is refused with a clear answer or closes only its own
 * connection, and the server keeps serving everybody else.
 */
@Timeout(60)
class BadInputTest {

    private static final String GREET = "greet(java.lang.String)";

    @TempDir
    static Path root;

    static SwivelServer server;
    static SwivelClient client;
    static Greeter greeter;

    @BeforeAll
    static void start() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar");
        server = SwivelServer.start(TestBundles.config(root).withMaxFrameLength(64 * 1024));
        client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build();
        greeter = client.proxy(Greeter.class);
        assertThat(greeter.greet("first")).isEqualTo("Hello, first (v1)");
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            ByteBuf header = Unpooled.buffer();
            header.writeInt(32 * 1024 * 1024).writeByte(Frame.MAGIC_V1).writeByte(FrameType.REQUEST.code()).writeLong(1);
            byte[] bytes = new byte[header.readableBytes()];
            header.readBytes(bytes);
            header.release();
            raw.sendBytes(bytes);
            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(greeter.greet("after")).isEqualTo("Hello, after (v1)");
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.sendBytes(new byte[] {0, 0, 0, 12, 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1'});
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.sendBytes(new byte[] {0, 0, 0, 10, (byte) 0xA1, 42, 0, 0, 0, 0, 0, 0, 0, 1});
            assertThat(raw.closedByServer()).as("unknown frame type").isTrue();
        }
        assertThat(greeter.greet("after")).isEqualTo("Hello, after (v1)");
    }

    @Test
    void unknownMethodIsNotFoundAndNamesTheMethods() throws Exception {
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.send(new RequestFrame(7, TestBundles.GREETER, "nope()", "", 5000, body()));
            ResponseFrame response = (ResponseFrame) raw.receive();
            assertThat(response.requestId()).isEqualTo(7);
            assertThat(response.status()).isEqualTo(Status.NOT_FOUND);
            assertThat(response.bodyAsMessage()).contains("nope()").contains(GREET);
        }
    }

    @Test
    void classOutsideTheAllowlistIsABadRequestAndTheConnectionStays() throws Exception {
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.send(new RequestFrame(8, TestBundles.GREETER, GREET, "", 5000,
                    bodyNamingClass("org.apache.commons.collections.functors.InvokerTransformer")));
            ResponseFrame refused = (ResponseFrame) raw.receive();
            assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST);
            assertThat(refused.bodyAsMessage()).contains("InvokerTransformer").contains("not allowed");

            raw.send(new RequestFrame(9, TestBundles.GREETER, "version()", "", 5000, body()));
            ResponseFrame fine = (ResponseFrame) raw.receive();
            assertThat(fine.status()).isEqualTo(Status.OK);
        }
    }

    @Test
    void corruptBodyAndWrongArgumentCountAreBadRequests() throws Exception {
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.send(new RequestFrame(10, TestBundles.GREETER, GREET, "", 5000, new byte[] {1, (byte) 0xFF, (byte) 0xFF, 3}));
            ResponseFrame corrupt = (ResponseFrame) raw.receive();
            assertThat(corrupt.status()).isEqualTo(Status.BAD_REQUEST);

            raw.send(new RequestFrame(11, TestBundles.GREETER, GREET, "", 5000, body()));
            ResponseFrame noArgs = (ResponseFrame) raw.receive();
            assertThat(noArgs.status()).isEqualTo(Status.BAD_REQUEST);
            assertThat(noArgs.bodyAsMessage()).contains("0 values").contains("expected: 1");
        }
    }

    @Test
    void argumentOfTheWrongTypeIsABadRequest() throws Exception {
        byte[] anInteger = SerializationContext.create(getClass().getClassLoader(),
                TypeAllowlist.forServices(List.of(IntegerTaker.class)), 1024).encode(42);
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.send(new RequestFrame(12, TestBundles.GREETER, GREET, "", 5000, anInteger));
            ResponseFrame response = (ResponseFrame) raw.receive();
            assertThat(response.status()).isEqualTo(Status.BAD_REQUEST);
            assertThat(response.bodyAsMessage()).contains("a java.lang.Integer where java.lang.String is declared (at byte 2");
        }
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.send(new io.swivel.protocol.ControlFrame(FrameType.PING, 99, ""));
            Frame pong = raw.receive();
            assertThat(pong.type()).isEqualTo(FrameType.PONG);
            assertThat(pong.requestId()).isEqualTo(99);
        }
    }

    /** Declares Integer so that a test context may encode one. */
    interface IntegerTaker {
        void take(Integer value);
    }

    /** A body of zero arguments. */
    private static byte[] body() {
        return new byte[] {0};
    }

    /** One argument whose class is written by name, as Kryo does for unregistered classes. */
    private static byte[] bodyNamingClass(String className) {
        Output out = new Output(256);
        out.writeVarInt(1, true);          // one value
        out.writeVarInt(1, true);          // class written by name (Kryo's DefaultClassResolver.NAME + 2)
        out.writeVarInt(0, true);          // first name id in this body
        out.writeString(className);
        return out.toBytes();
    }
}
