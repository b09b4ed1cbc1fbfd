package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver with a gate: a class name read from a message is checked against the
 * allowlist before Kryo looks it up, so a refused class is never loaded.
 */
final class AllowlistClassResolver extends DefaultClassResolver {

    private final TypeAllowlist allowlist;

    AllowlistClassResolver(TypeAllowlist allowlist) {
        this.allowlist = allowlist;
    }

    @Override
    protected Class<?> getTypeByName(String className) {
        if (!allowlist.allows(className)) {
            throw new ClassNotAllowedException(className);
        }
        return super.getTypeByName(className);
    }
}
