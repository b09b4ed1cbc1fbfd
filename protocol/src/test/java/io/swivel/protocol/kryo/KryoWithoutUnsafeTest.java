package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.util.Util;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kryo does not touch {@code sun.misc.Unsafe} (which JDK 24 and newer warn about on stderr): a
 * fresh JVM, on whatever JDK runs the tests, encodes and decodes through a
 * {@link SerializationContext} and prints nothing but its answer. In this JVM other tests may
 * have used Kryo first, hence the child process.
 */
@Timeout(60)
class KryoWithoutUnsafeTest {

    /** The child process: one round trip, then what Kryo decided about Unsafe. */
    public static void main(String[] args) {
        SerializationContext context = SerializationContext.create(KryoWithoutUnsafeTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of()), 1 << 16);
        Object[] back = context.decode(context.encode("Ada", 42, List.of(1, 2)), 3);
        System.out.println("decoded " + back[0] + " " + back[1] + " " + back[2] + "; kryo unsafe " + Util.unsafe);
    }

    @Test
    void aFreshJvmEncodesWithoutUnsafeAndPrintsNoWarning() throws IOException, InterruptedException {
        String output = runChild();
        assertThat(output.trim()).as("on Java " + Runtime.version())
                .isEqualTo("decoded Ada 42 [1, 2]; kryo unsafe false");
    }

    @Test
    void anExplicitSettingIsLeftAsItIs() throws IOException, InterruptedException {
        String output = runChild("-Dkryo.unsafe=true");
        assertThat(output).as("whoever asks for Unsafe gets it (and, from JDK 24, the JVM's warning)")
                .contains("decoded Ada 42 [1, 2]; kryo unsafe true");
    }

    private static String runChild(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KryoWithoutUnsafeTest.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(child.waitFor(45, TimeUnit.SECONDS)).as("the child JVM ends").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(output).isZero();
        return output;
    }
}
