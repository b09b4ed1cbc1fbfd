package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.KryoException;

/**
 * A message named a class outside the {@link TypeAllowlist}. Thrown before the class is
 * loaded. Extends {@link KryoException} so that Kryo passes it through unchanged.
 */
public final class ClassNotAllowedException extends KryoException {

    private static final long serialVersionUID = 1L;

    private final String className;

    /**
     * Creates the exception.
     *
     * @param className the refused class name
     */
    public ClassNotAllowedException(String className) {
        super("class " + className + " is not allowed: only types reachable from the service "
                + "interfaces and well-known JDK types may be deserialized");
        this.className = className;
    }

    /**
     * The refused class name.
     *
     * @return the name as found in the message
     */
    public String className() {
        return className;
    }
}
