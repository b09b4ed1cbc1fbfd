package io.swivel.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deserialization attacks (see {@link DeserializationAttack}), (a): class names outside the
 * allowlist, gadgets and canaries, wherever they sit in a body; none is loaded or initialized.
 */
class DeserializationAllowlistTest extends DeserializationAttack {

    private static final String SERVER_CANARY = "io.swivel.server.security.ServerCanary";

    static final List<String> REFUSED = List.of(
            "org.apache.commons.collections.functors.InvokerTransformer",
            "org.apache.commons.collections4.functors.InstantiateTransformer",
            "com.sun.rowset.JdbcRowSetImpl",
            "java.net.URL",
            "java.net.InetAddress",
            "org.springframework.beans.factory.ObjectFactory",
            "org.springframework.aop.framework.AdvisedSupport",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
            "javax.management.BadAttributeValueExpException",
            "java.util.PriorityQueue",
            "java.lang.ProcessBuilder",
            "[Ljava.lang.ProcessBuilder;",
            SERVER_CANARY,
            VaultBundle.CANARY);

    /**
     * A body for one vault method that carries, somewhere inside, a value of class {@code named}
     * shaped like {@code Canary} (one String field, {@code payload}).
     */
    record Placement(String where, String method, java.util.function.Function<Consumer<HostileBodies>, byte[]> body,
                     Object honestAnswer) {
        @Override
        public String toString() {
            return where;
        }
    }

    static List<Placement> placements() {
        return List.of(
                new Placement("argument", "echo", v -> HostileBodies.body(v), "echo:ok"),
                new Placement("POJO field", "parcel",
                        v -> HostileBodies.body(b -> b.object(PARCEL, "label", v)), "ok/-1/-1/0/1"),
                new Placement("record component", "envelope",
                        v -> HostileBodies.body(b -> b.object(ENVELOPE, "label", v)), "ok/-1/-1/-"),
                new Placement("list element", "count",
                        v -> HostileBodies.body(b -> b.collection(ARRAY_LIST, e -> e.string("a"), v)), 2),
                new Placement("map value", "size",
                        v -> HostileBodies.body(b -> b.map(HASH_MAP, k -> k.string("k"), v)), 1),
                new Placement("map key", "size",
                        v -> HostileBodies.body(b -> b.map(HASH_MAP, v, x -> x.string("x"))), 1),
                new Placement("POJO in record in list", "count",
                        v -> HostileBodies.body(b -> b.collection(ARRAY_LIST,
                                e -> e.object(ENVELOPE, "parcel", p -> p.object(PARCEL, "label", v)))), 1));
    }

    /** A value of a refused class, shaped like the canaries (one String field). */
    private static Consumer<HostileBodies> instanceOf(String className) {
        return b -> b.object(className, "payload", p -> p.string("boom"));
    }

    static Stream<Arguments> refusedEverywhere() {
        return placements().stream().flatMap(p -> REFUSED.stream().map(name -> Arguments.of(p, name)));
    }

    @ParameterizedTest(name = "{1} as {0}")
    @MethodSource("refusedEverywhere")
    void aClassOutsideTheAllowlistIsABadRequestWhereverItIs(Placement placement, String refused) throws Exception {
        Object answer = ok(vault(placement.method(), placement.body().apply(b -> b.string("ok"))));
        assertThat(answer).as("control: an honest value in the same place").isEqualTo(placement.honestAnswer());

        ResponseFrame response = vault(placement.method(), placement.body().apply(instanceOf(refused)));

        assertThat(response.status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(response.bodyAsMessage()).contains(refused).contains("not allowed");
    }

    @Test
    void noRefusedClassIsLoadedOrInitialized() throws Exception {
        Path jfr = root.resolve("class-loads.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ClassLoad").withoutThreshold();
            recording.start();
            for (Placement placement : placements()) {
                for (String refused : REFUSED) {
                    assertThat(vault(placement.method(), placement.body().apply(instanceOf(refused))).status())
                            .isEqualTo(Status.BAD_REQUEST);
                }
            }
            // Control: the recording sees a class loaded without initialization, as Kryo would load one.
            Class.forName(LoadWitness.class.getName() + "$Inner", false, getClass().getClassLoader());
            recording.stop();
            recording.dump(jfr);
        }
        List<String> loaded = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            RecordedClass type = event.getValue("loadedClass");
            if (type != null) {
                loaded.add(type.getName());
            }
        }
        assertThat(loaded).as("control").contains(LoadWitness.class.getName() + "$Inner");
        for (String refused : REFUSED) {
            String binary = refused.startsWith("[L") ? refused.substring(2, refused.length() - 1) : refused;
            assertThat(loaded).as("classes loaded during the attacks").noneMatch(n -> n.equals(binary) || n.equals(refused));
        }
        assertThat(System.getProperty(ServerCanaryProperty.NAME)).as("server canary initialized").isNull();
        assertThat(System.getProperty(VaultBundle.CANARY_INITIALIZED)).as("bundle canary initialized").isNull();
        assertServerFine();
    }

    /** Names the server canary's property without touching the canary class. */
    private static final class ServerCanaryProperty {
        static final String NAME = "swivel.security.serverCanary";
    }

    /** Loaded (not initialized) only by the control of {@link #noRefusedClassIsLoadedOrInitialized}. */
    static final class LoadWitness {
        static final class Inner {
        }
    }
}
