package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import java.util.Arrays;

/**
 * The class descriptions of the value a Kryo is writing or reading ({@link MemberSerializer}): which
 * classes were described so far, by number. One per Kryo ({@link BoundedKryo} keeps its own;
 * any other Kryo keeps one in its graph context), emptied whenever the Kryo resets, which is
 * after every top-level value, as Kryo's own table of class names is. So every body is
 * self-contained: it can be read by a reader that never saw another body of the connection.
 *
 * <p>Descriptions are numbered in the order they first occur, and a description made inside a
 * member's length-prefixed chunk is forgotten when the chunk ends ({@link #mark()},
 * {@link #rollBack(int)}), on both sides: a reader that skips the chunk of a member it does not
 * know never sees what was described inside it, and a writer's numbering must not depend on it.
 */
final class Descriptions {

    /** Descriptions open at once in one value; a writer falls back to the name-keyed form beyond. */
    static final int MAX = 256;

    private static final Object GRAPH_KEY = new Object();

    private int generation;
    private int count;
    private Object[] owners = new Object[8];

    /** The table of {@code kryo}, for the value it is writing or reading now. */
    static Descriptions of(Kryo kryo) {
        if (kryo instanceof BoundedKryo bounded) {
            return bounded.descriptions();
        }
        var context = kryo.getGraphContext(); // cleared when the Kryo resets
        Object table = context.get(GRAPH_KEY);
        if (table == null) {
            table = new Descriptions();
            context.put(GRAPH_KEY, table);
        }
        return (Descriptions) table;
    }

    /** Forgets every description: a new value starts. */
    void reset() {
        Arrays.fill(owners, 0, count, null);
        count = 0;
        generation++;
    }

    /** Changes whenever the table is reset: a number taken before is only valid with the same generation. */
    int generation() {
        return generation;
    }

    /** How many descriptions are open: the number the next one gets. */
    int mark() {
        return count;
    }

    /** Forgets the descriptions made since {@code mark} (a chunk ended). */
    void rollBack(int mark) {
        if (mark < count) {
            Arrays.fill(owners, mark, count, null);
            count = mark;
        }
    }

    /**
     * Numbers a new description of {@code owner}.
     *
     * @return its number, or -1 if {@value #MAX} are open already
     */
    int add(Object owner) {
        if (count == MAX) {
            return -1;
        }
        if (count == owners.length) {
            owners = Arrays.copyOf(owners, Math.min(MAX, count * 2));
        }
        owners[count] = owner;
        return count++;
    }

    /** What description {@code number} describes, if it is open; null otherwise. */
    Object owner(int number) {
        return number >= 0 && number < count ? owners[number] : null;
    }

    /**
     * What description {@code number} read from a body describes.
     *
     * @throws KryoException if no such description is open
     */
    Object described(int number, Class<?> reading) {
        Object owner = owner(number);
        if (owner == null) {
            throw new KryoException(reading.getName() + " refers to description #" + number + ", never defined (" + count
                    + " open)");
        }
        return owner;
    }
}
