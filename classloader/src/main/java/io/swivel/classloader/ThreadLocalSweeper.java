package io.swivel.classloader;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;

/**
 * Clears, on the thread that runs it, the {@code ThreadLocal} values that belong to a closed
 * bundle: entries whose {@code ThreadLocal} or value is of a class the bundle's loader defined
 * (for a value that is an array, collection or map, also its first elements). A server thread
 * that ran bundle code (an I/O thread with {@code Swivel-Dispatch: direct}, the thread that ran
 * the activator's {@code stop}) would otherwise keep the value, hence its class, hence the
 * loader, for as long as it lives.
 *
 * <p>It only ever touches the calling thread's own maps, so it races with nothing; a server runs
 * it as a task on each of its long-lived threads. It reads {@code Thread.threadLocals} by
 * reflection, which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the {@code swivel}
 * scripts pass it); without it {@link #available()} is false and nothing is cleared.
 */
public final class ThreadLocalSweeper {

    /** How many elements of an array, collection or map value are looked at. */
    private static final int ELEMENTS_LOOKED_AT = 64;

    private final Field threadLocals;
    private final Field inheritableThreadLocals;
    private final Field table;
    private final Field value;
    private final String unavailable;

    /** Looks the JDK's fields up once; see {@link #available()}. */
    public ThreadLocalSweeper() {
        Field[] fields = new Field[4];
        String problem = null;
        try {
            fields[0] = accessible(Thread.class.getDeclaredField("threadLocals"));
            fields[1] = accessible(Thread.class.getDeclaredField("inheritableThreadLocals"));
            Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            fields[2] = accessible(map.getDeclaredField("table"));
            fields[3] = accessible(Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = e.toString();
        }
        this.unavailable = problem;
        this.threadLocals = problem == null ? fields[0] : null;
        this.inheritableThreadLocals = problem == null ? fields[1] : null;
        this.table = problem == null ? fields[2] : null;
        this.value = problem == null ? fields[3] : null;
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }

    /** @return whether this JVM lets the sweeper read thread-local maps */
    public boolean available() {
        return unavailable == null;
    }

    /** @return why it is not available (the JVM flag to add), or null if it is */
    public String whyUnavailable() {
        return unavailable == null ? null
                : "cannot read Thread.threadLocals (" + unavailable + "); start the JVM with "
                        + "--add-opens java.base/java.lang=ALL-UNNAMED";
    }

    /**
     * Clears the calling thread's thread-local entries that belong to a loader.
     *
     * @param loader the bundle's loader
     * @return how many entries were cleared (0 if not {@link #available()})
     */
    public int sweepCurrentThread(ClassLoader loader) {
        if (!available()) {
            return 0;
        }
        Thread self = Thread.currentThread();
        try {
            return sweep(threadLocals.get(self), loader) + sweep(inheritableThreadLocals.get(self), loader);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the thread-local fields were made accessible, yet: " + e, e);
        }
    }

    private int sweep(Object map, ClassLoader loader) throws IllegalAccessException {
        if (map == null) {
            return 0;
        }
        Object[] entries = (Object[]) table.get(map);
        int cleared = 0;
        for (Object entry : entries) {
            if (entry == null) {
                continue;
            }
            Object key = ((Reference<?>) entry).get();
            Object held = value.get(entry);
            if (belongs(key, loader) || belongs(held, loader)) {
                // Clearing the key makes the entry stale; the map expunges it on its next use.
                // ThreadLocal.remove() is not called: a bundle's subclass may override it.
                ((Reference<?>) entry).clear();
                value.set(entry, null);
                cleared++;
            }
        }
        return cleared;
    }

    private static boolean belongs(Object object, ClassLoader loader) {
        if (object == null) {
            return false;
        }
        if (definedBy(object, loader)) {
            return true;
        }
        if (object.getClass().getClassLoader() != null) {
            return false; // only the JDK's own containers are looked into: no other code runs here
        }
        try {
            int looked = 0;
            if (object instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (looked++ >= ELEMENTS_LOOKED_AT) {
                        return false;
                    }
                    if (definedBy(e.getKey(), loader) || definedBy(e.getValue(), loader)) {
                        return true;
                    }
                }
                return false;
            }
            Iterable<?> elements = object instanceof Object[] array ? Arrays.asList(array)
                    : object instanceof Collection<?> collection ? collection : List.of();
            for (Object element : elements) {
                if (looked++ >= ELEMENTS_LOOKED_AT) {
                    return false;
                }
                if (definedBy(element, loader)) {
                    return true;
                }
            }
            return false;
        } catch (ConcurrentModificationException changing) {
            return false; // another thread changes it as we look: judged by its own class only, as above
        }
    }

    private static boolean definedBy(Object object, ClassLoader loader) {
        if (object == null) {
            return false;
        }
        Class<?> type = object instanceof Class<?> c ? c : object.getClass();
        while (type.isArray()) {
            type = type.getComponentType();
        }
        return type.getClassLoader() == loader || object == loader;
    }
}
