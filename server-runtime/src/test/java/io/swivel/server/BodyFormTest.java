package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.io.Input;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelClientBuilder;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.BodyForm;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.Greeting;
import io.swivel.samples.greeter.Person;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The form of the bodies written, for rolling upgrades: a server set to {@code name-keyed}
 * answers in the form older clients read, by default in the described form; a client set to
 * {@code NAME_KEYED} sends requests in the form older servers read. The form is read from the
 * bytes: the tag after the first value's class is its member count (at most 1024) in the
 * name-keyed form, 2048 and up in the described form, which an older reader refuses.
 */
@Timeout(120)
class BodyFormTest {

    private static final String WELCOME = welcomeKey();

    @TempDir
    Path root;

    @Test
    void aServerSetToNameKeyedAnswersInTheNameKeyedFormAndByDefaultInTheDescribedOne() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar");
        try (SwivelServer server = SwivelServer.start(TestBundles.config(root).with(c -> c.bodyForm = BodyForm.NAME_KEYED))) {
            byte[] answer = welcome(server, "Ada");
            assertThat(tag(answer)).as("member count of the name-keyed form").isEqualTo(3);
            assertThat(greeting(answer).getText()).isEqualTo("Welcome, Ada (v1)");
            try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build()) {
                assertThat(client.proxy(Greeter.class).welcome(new Person("Bo", "en")).getText()).isEqualTo("Welcome, Bo (v1)");
            }
        }
        try (SwivelServer server = SwivelServer.start(TestBundles.config(root.resolve("default")).withDeployDir(root.resolve("deploy")))) {
            byte[] answer = welcome(server, "Cy");
            assertThat(tag(answer)).as("the described form").isGreaterThanOrEqualTo(2048);
            assertThat(greeting(answer).getText()).isEqualTo("Welcome, Cy (v1)");
        }
    }

    @Test
    void aClientSetToNameKeyedWritesNameKeyedRequestsAndByDefaultDescribedOnes() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar");
        try (SwivelServer server = SwivelServer.start(TestBundles.config(root));
             RecordingRelay relay = new RecordingRelay(server.rpcAddress())) {
            for (BodyForm form : new BodyForm[] {BodyForm.NAME_KEYED, null}) {
                SwivelClientBuilder builder = SwivelClient.builder().address("127.0.0.1", relay.port());
                try (SwivelClient client = (form != null ? builder.bodyForm(form) : builder).build()) {
                    assertThat(client.proxy(Greeter.class).welcome(new Person("Di", "en")).getText()).isEqualTo("Welcome, Di (v1)");
                }
                RequestFrame request = welcomeSent(relay.takeSent());
                assertThat(context().decode(request.body(), 1)[0]).isEqualTo(new Person("Di", "en"));
                if (form == BodyForm.NAME_KEYED) {
                    assertThat(tag(request.body())).as("member count of the name-keyed form").isEqualTo(2);
                } else {
                    assertThat(tag(request.body())).as("the described form").isGreaterThanOrEqualTo(2048);
                }
            }
        }
    }

    private static byte[] welcome(SwivelServer server, String name) throws Exception {
        try (RawClient raw = new RawClient(server.rpcAddress())) {
            raw.send(new RequestFrame(1, TestBundles.GREETER, WELCOME, "", 5000, context().encode(new Person(name, "en"))));
            ResponseFrame response = (ResponseFrame) raw.receive();
            assertThat(response.status()).isEqualTo(Status.OK);
            return response.body();
        }
    }

    /** The one welcome request among the frames a client sent on its connections (it also sends control frames). */
    private static RequestFrame welcomeSent(List<byte[]> connections) {
        List<RequestFrame> found = new java.util.ArrayList<>();
        for (byte[] sent : connections) {
            ByteBuf stream = Unpooled.wrappedBuffer(sent);
            while (stream.readableBytes() >= 4 && stream.readableBytes() - 4 >= stream.getInt(stream.readerIndex())) {
                ByteBuf frame = stream.readSlice(stream.readInt());
                if (FrameDecoder.parse(frame) instanceof RequestFrame request && request.methodKey().equals(WELCOME)) {
                    found.add(request);
                }
            }
        }
        assertThat(found).as("welcome requests sent on %d connections", connections.size()).hasSize(1);
        return found.get(0);
    }

    private static Greeting greeting(byte[] body) {
        return (Greeting) context().decode(body, 1)[0];
    }

    private static SerializationContext context() {
        return SerializationContext.create(Greeter.class.getClassLoader(), TypeAllowlist.forServices(List.of(Greeter.class)), 1 << 20);
    }

    /**
     * The tag after the class of the body's first value, a class named in the body (Kryo's
     * {@code DefaultClassResolver}: {@code NAME + 2}, the name's id, the name).
     */
    private static int tag(byte[] body) {
        Input in = new Input(body);
        assertThat(in.readVarInt(true)).as("values").isEqualTo(1);
        assertThat(in.readVarInt(true)).as("a class written by name").isEqualTo(com.esotericsoftware.kryo.util.DefaultClassResolver.NAME + 2);
        in.readVarInt(true);
        in.readString();
        return in.readVarInt(true);
    }

    private static String welcomeKey() {
        try {
            return MethodKeys.of(Greeter.class.getMethod("welcome", Person.class));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
