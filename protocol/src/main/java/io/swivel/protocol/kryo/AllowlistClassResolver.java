package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver with a gate: a class name read from a message is checked against the
 * allowlist before Kryo looks it up, so a refused class is never loaded.
 */
@SuppressWarnings("rawtypes")
final class AllowlistClassResolver extends DefaultClassResolver {

    private final TypeAllowlist allowlist;

    AllowlistClassResolver(TypeAllowlist allowlist) {
        this.allowlist = allowlist;
    }

    @Override
    protected Class<?> getTypeByName(String className) {
        if (className == null || !allowlist.allows(className)) {
            throw new ClassNotAllowedException(String.valueOf(className));
        }
        return super.getTypeByName(className);
    }

    /**
     * Writes an enum constant that has a body ({@code BLUE { ... }}) under its enum's name,
     * which the allowlist knows, instead of the anonymous subclass's name.
     */
    @Override
    protected void writeName(Output output, Class type, Registration registration) {
        super.writeName(output, registration.getType(), registration);
    }
}
