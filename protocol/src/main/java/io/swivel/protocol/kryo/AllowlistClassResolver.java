package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.IntMap;
import com.esotericsoftware.kryo.util.ObjectMap;
import java.util.Arrays;

/**
 * Kryo's class resolver with a gate: a class name read from a message is checked against the
 * allowlist before Kryo looks it up, so a refused class is never loaded.
 *
 * <p>Kryo writes a class's name at its first use in a value and its name id after. This resolver
 * also keeps the name ids given (writing) or learnt (reading) in the value so far, in order, so
 * that those of a described member's chunk are forgotten when the chunk ends ({@link #mark()},
 * {@link #rollBack(int)}, as {@link Descriptions} are), on both sides: a reader that skips the
 * chunk of a member it does not know never sees a name written inside it, and the writer names
 * that class again at its next use.
 */
@SuppressWarnings("rawtypes")
final class AllowlistClassResolver extends DefaultClassResolver {

    private final TypeAllowlist allowlist;
    /** The names given or learnt in this value, in order: their ids and classes. */
    private int[] openIds = new int[16];
    private Class[] openTypes = new Class[16];
    private int open;

    AllowlistClassResolver(TypeAllowlist allowlist) {
        this.allowlist = allowlist;
    }

    /** The resolver of {@code kryo} if it is one of these, else null (a Kryo of tests: names are not scoped). */
    static AllowlistClassResolver of(Kryo kryo) {
        return kryo.getClassResolver() instanceof AllowlistClassResolver resolver ? resolver : null;
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
        int next = nextNameId;
        super.writeName(output, registration.getType(), registration);
        if (nextNameId != next) {
            opened(next, registration.getType()); // named here for the first time in this value
        }
    }

    /**
     * Reads a class by name id, and its name at the id's first use, as Kryo's own resolver
     * does; a name is always checked against the allowlist ({@link #getTypeByName}) before
     * anything is loaded.
     */
    @Override
    protected Registration readName(Input input) {
        int nameId = input.readVarInt(true);
        if (nameIdToClass == null) {
            nameIdToClass = new IntMap<>();
        }
        Class type = nameIdToClass.get(nameId);
        if (type == null) {
            String className = input.readString();
            type = getTypeByName(className);
            if (type == null) {
                type = load(className);
                if (nameToClass == null) {
                    nameToClass = new ObjectMap<>();
                }
                nameToClass.put(className, type);
            }
            nameIdToClass.put(nameId, type);
            opened(nameId, type);
        }
        return kryo.getRegistration(type);
    }

    private Class<?> load(String className) {
        try {
            return Class.forName(className, false, kryo.getClassLoader());
        } catch (ClassNotFoundException e) {
            try {
                return Class.forName(className, false, Kryo.class.getClassLoader());
            } catch (ClassNotFoundException again) {
                throw new KryoException("Unable to find class: " + className, e);
            }
        }
    }

    private void opened(int nameId, Class type) {
        if (open == openIds.length) { // as many as the value's names: bounded by the body's length
            openIds = Arrays.copyOf(openIds, open * 2);
            openTypes = Arrays.copyOf(openTypes, open * 2);
        }
        openIds[open] = nameId;
        openTypes[open] = type;
        open++;
    }

    /** How many names this value gave or learnt so far. */
    int mark() {
        return open;
    }

    /** Forgets the names given or learnt since {@code mark} (a described member's chunk ended). */
    void rollBack(int mark) {
        for (int i = open - 1; i >= mark; i--) {
            int nameId = openIds[i];
            Class type = openTypes[i];
            openTypes[i] = null;
            if (nameIdToClass != null && nameIdToClass.get(nameId) == type) {
                nameIdToClass.remove(nameId);
            }
            if (classToNameId != null && classToNameId.get(type, -1) == nameId) {
                classToNameId.remove(type, -1);
                nextNameId = nameId; // a writer's ids are consecutive: the next one is given again
            }
        }
        open = Math.min(open, mark);
    }

    @Override
    public void reset() {
        super.reset();
        if (openTypes != null) { // null while Kryo's constructor runs
            Arrays.fill(openTypes, 0, open, null);
        }
        open = 0;
    }
}
