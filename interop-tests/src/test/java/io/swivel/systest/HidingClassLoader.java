package io.swivel.systest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Defines every non-JDK class afresh from the test class path, except those under a hidden
 * package prefix, which it cannot find: code loaded here (Jackson included, whose {@code Class.forName}
 * looks in its own loader) runs as on a class path without that package.
 */
final class HidingClassLoader extends ClassLoader {

    private final ClassLoader source;
    private final String hiddenPrefix;

    HidingClassLoader(ClassLoader source, String hiddenPrefix) {
        super("hiding-" + hiddenPrefix, ClassLoader.getPlatformClassLoader());
        this.source = source;
        this.hiddenPrefix = hiddenPrefix;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (name.startsWith(hiddenPrefix)) {
            throw new ClassNotFoundException(name + " is hidden from " + getName());
        }
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = source.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read " + resource, e);
        }
    }

    @Override
    protected java.net.URL findResource(String name) {
        return name.startsWith(hiddenPrefix.replace('.', '/')) ? null : source.getResource(name);
    }

    @Override
    protected java.util.Enumeration<java.net.URL> findResources(String name) throws IOException {
        return name.startsWith(hiddenPrefix.replace('.', '/'))
                ? java.util.Collections.emptyEnumeration() : source.getResources(name);
    }
}
