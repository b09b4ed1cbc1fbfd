package io.swivel.protocol.kryo;

import io.swivel.testing.JavaSources;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Two compiled versions of the same classes, each in its own loader with its own context, as
 * the evolution tests need.
 */
final class CompiledVersions implements AutoCloseable {

    final URLClassLoader v1;
    final URLClassLoader v2;
    final SerializationContext context1;
    final SerializationContext context2;

    private CompiledVersions(URLClassLoader v1, URLClassLoader v2, String api) throws Exception {
        this.v1 = v1;
        this.v2 = v2;
        this.context1 = context(v1, api);
        this.context2 = context(v2, api);
    }

    /**
     * Compiles both versions under {@code dir}.
     *
     * @param api the service interface whose allowlist each context takes, as a bundle's would
     */
    static CompiledVersions compile(Path dir, Map<String, String> v1, Map<String, String> v2, String api)
            throws Exception {
        return new CompiledVersions(load(JavaSources.compile(dir.resolve("v1"), v1, List.of())),
                load(JavaSources.compile(dir.resolve("v2"), v2, List.of())), api);
    }

    private static URLClassLoader load(Path classes) throws Exception {
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, CompiledVersions.class.getClassLoader());
    }

    private static SerializationContext context(ClassLoader loader, String api) throws Exception {
        return SerializationContext.create(loader, TypeAllowlist.forServices(List.of(loader.loadClass(api))), 1 << 20);
    }

    @Override
    public void close() throws Exception {
        v1.close();
        v2.close();
    }
}
