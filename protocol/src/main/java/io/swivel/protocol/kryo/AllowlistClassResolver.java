package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver with a gate: a class name read from a message is checked against the
 * allowlist before Kryo looks it up, so a refused class is never loaded.
 *
 * <p>Between bodies (Kryo's {@link #reset()}, after every top-level value) the class names a body
 * wrote or read are forgotten, as in Kryo, but by removing the few entries that body added rather
 * than clearing the whole tables ({@code Arrays.fill} over them was 5.5% of a server's CPU on a
 * small call). When a body added more than {@value #TRACKED} names, or the tables hold anything
 * after the removal, they are cleared whole: nothing of one body is ever seen by the next.
 */
@SuppressWarnings("rawtypes")
final class AllowlistClassResolver extends DefaultClassResolver {

    /** Names of one body removed one by one; more clear the tables whole. */
    static final int TRACKED = 8;

    private final TypeAllowlist allowlist;
    private final Class[] written = new Class[TRACKED];
    private int writtenCount;
    private final int[] read = new int[TRACKED];
    private int readCount;

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
        int before = nextNameId;
        super.writeName(output, registration.getType(), registration);
        if (nextNameId != before) {
            if (writtenCount < TRACKED) {
                written[writtenCount] = registration.getType();
            }
            writtenCount++;
        }
    }

    @Override
    protected Registration readName(Input input) {
        int before = nameIdToClass == null ? 0 : nameIdToClass.size;
        int position = input.position();
        int nameId = input.readVarInt(true);
        input.setPosition(position);
        Registration registration = super.readName(input);
        if (nameIdToClass.size != before) {
            if (readCount < TRACKED) {
                read[readCount] = nameId;
            }
            readCount++;
        }
        return registration;
    }

    @Override
    public void reset() {
        if (kryo.isRegistrationRequired()) {
            return; // as Kryo: names are not used then
        }
        for (int i = 0; i < Math.min(writtenCount, TRACKED); i++) {
            classToNameId.remove(written[i], -1);
            written[i] = null;
        }
        if (classToNameId != null && classToNameId.size != 0) {
            classToNameId.clear(2048); // more names than tracked, or a write that failed half-way
        }
        for (int i = 0; i < Math.min(readCount, TRACKED); i++) {
            nameIdToClass.remove(read[i]);
        }
        if (nameIdToClass != null && nameIdToClass.size != 0) {
            nameIdToClass.clear(); // more names than tracked, or a read that failed half-way
        }
        writtenCount = 0;
        readCount = 0;
        nextNameId = 0;
    }
}
