package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A context defines one accessor per class, whichever of its Kryos asks first, and keeps no failure. */
class AccessorsTest {

    static class Point {
        int x;
        int y;
    }

    record Pair(String left, String right) {
    }

    interface Points {
        Point point(Pair pair);
    }

    @Test
    void theSerializersOfEveryKryoShareOneAccessorPerClass() {
        AtomicInteger defined = new AtomicInteger();
        Accessors accessors = new Accessors((getters, setters) -> {
            defined.incrementAndGet();
            return HiddenAccessors.define(getters, setters);
        });

        MemberAccessor first = CompatibleObjectSerializer.of(Point.class, false, accessors.forClass(Point.class)).accessor;
        MemberAccessor second = CompatibleObjectSerializer.of(Point.class, false, accessors.forClass(Point.class)).accessor;
        MemberAccessor pair = CompatibleRecordSerializer.of(Pair.class, false, accessors.forClass(Pair.class)).accessor;
        MemberAccessor pairAgain = CompatibleRecordSerializer.of(Pair.class, false, accessors.forClass(Pair.class)).accessor;

        assertThat(second).isSameAs(first);
        assertThat(pairAgain).isSameAs(pair).isNotSameAs(first);
        assertThat(defined).hasValue(2);
        assertThat(accessors.size()).isEqualTo(2);
    }

    @Test
    void aFailedDefinitionIsNotKeptSoTheNextSerializerTriesAgain() throws Throwable {
        AtomicInteger calls = new AtomicInteger();
        Accessors accessors = new Accessors((MethodHandle[] getters, MethodHandle[] setters) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalAccessException("refused once");
            }
            return HiddenAccessors.define(getters, setters);
        });

        CompatibleObjectSerializer<Point> fallback = CompatibleObjectSerializer.of(Point.class, false, accessors.forClass(Point.class));
        CompatibleObjectSerializer<Point> generated = CompatibleObjectSerializer.of(Point.class, false, accessors.forClass(Point.class));

        assertThat(fallback.generationFailure).isInstanceOf(IllegalAccessException.class);
        assertThat(fallback.accessor).isInstanceOf(HandleAccessor.class);
        assertThat(generated.generationFailure).isNull();
        assertThat(generated.accessor).isNotInstanceOf(HandleAccessor.class);
        assertThat(accessors.size()).isEqualTo(1);
        Point point = new Point();
        point.x = 3;
        assertThat(generated.accessor.getInt(point, 0)).isEqualTo(fallback.accessor.getInt(point, 0)).isEqualTo(3);
    }

    @Test
    void aContextsKryosEncodeAndDecodeThroughTheSharedAccessors() throws Exception {
        SerializationContext context = SerializationContext.create(AccessorsTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Points.class)), 1 << 20);
        Point point = new Point();
        point.x = 1;
        point.y = 2;
        Thread[] threads = new Thread[4]; // several Kryos of the pool at once
        Throwable[] failures = new Throwable[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int index = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        Point read = (Point) context.decode(context.encode(point), 1)[0];
                        assertThat(read.x).isEqualTo(1);
                        assertThat(read.y).isEqualTo(2);
                        assertThat(context.decode(context.encode(new Pair("l", "r")), 1)[0]).isEqualTo(new Pair("l", "r"));
                    }
                } catch (Throwable e) {
                    failures[index] = e;
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
            assertThat(thread.isAlive()).isFalse();
        }
        assertThat(failures).containsOnlyNulls();
        assertThat(context.accessorClasses()).isEqualTo(2);
    }
}
