package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.testing.JavaSources;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle's plain class and record, serialized through generated accessors, leave nothing that
 * holds their class loader once the context is dropped: the hidden classes go with it.
 */
class AccessorUnloadTest {

    private static final Map<String, String> SOURCES = Map.of(
            "bundle.Point", "package bundle; public class Point { private int x; private String name; "
                    + "public Point() { } public Point(int x, String name) { this.x = x; this.name = name; } "
                    + "public int x() { return x; } public String name() { return name; } }",
            "bundle.Pair", "package bundle; public record Pair(Point left, long right) { }",
            "bundle.Api", "package bundle; public interface Api { Pair pair(Point point); }");

    @Test
    void aDroppedContextLetsItsClassesLoaderGo(@TempDir Path dir) throws Exception {
        Path classes = JavaSources.compile(dir, SOURCES, List.of());
        WeakReference<ClassLoader> loader = serializeInALoaderOfItsOwn(classes);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            System.gc();
            return loader.get() == null;
        });
    }

    /** Encodes and decodes a record holding a plain object, through generated accessors; keeps nothing. */
    private static WeakReference<ClassLoader> serializeInALoaderOfItsOwn(Path classes) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, AccessorUnloadTest.class.getClassLoader());
        SerializationContext context = SerializationContext.create(loader,
                TypeAllowlist.forServices(List.of(loader.loadClass("bundle.Api"))), 1 << 20);
        Class<?> point = loader.loadClass("bundle.Point");
        Class<?> pair = loader.loadClass("bundle.Pair");
        Object value = pair.getConstructors()[0].newInstance(point.getConstructor(int.class, String.class).newInstance(7, "seven"), 9L);

        Object read = context.decode(context.encode(value), 1)[0];

        assertThat(read).isInstanceOf(pair);
        assertThat(pair.getMethod("right").invoke(read)).isEqualTo(9L);
        Object left = pair.getMethod("left").invoke(read);
        assertThat(point.getMethod("x").invoke(left)).isEqualTo(7);
        assertThat(point.getMethod("name").invoke(left)).isEqualTo("seven");
        assertThat(context.accessorClasses()).as("accessors generated for Point and Pair").isEqualTo(2);
        loader.close();
        return new WeakReference<>(loader);
    }
}
