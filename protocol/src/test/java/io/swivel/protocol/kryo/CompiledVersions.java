package io.swivel.protocol.kryo;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/** Two compiled versions of the same classes, each in its own loader, as the evolution tests need. */
final class CompiledVersions {

    private CompiledVersions() {
    }

    /** A loader over compiled classes, its parent the tests' own loader. */
    static URLClassLoader load(Path classes) throws Exception {
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, CompiledVersions.class.getClassLoader());
    }

    /** A context whose allowlist is what the service interface {@code api} names, as a bundle's would be. */
    static SerializationContext context(ClassLoader loader, String api) throws Exception {
        return SerializationContext.create(loader, TypeAllowlist.forServices(List.of(loader.loadClass(api))), 1 << 20);
    }
}
