package io.swivel.protocol.kryo;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The member accessors of one {@link SerializationContext}'s classes: one per class, made for the
 * first serializer of that class and shared by the serializers every pooled Kryo of the context
 * makes (an accessor holds nothing but its handles). Without it each Kryo of the pool defined a
 * hidden class per class, and a Kryo made when the pool ran short defined them again on the call's
 * thread. Held by the context only, so the classes it names go with the context; bounded by the
 * allowlisted classes, the only ones a serializer is made for. A failed definition is not kept:
 * that serializer falls back to its own handles ({@link MemberSerializer}).
 */
final class Accessors {

    private final ConcurrentHashMap<Class<?>, MemberAccessor> made = new ConcurrentHashMap<>();
    private final MemberAccessor.Factory factory;

    /** @param factory defines an accessor ({@link HiddenAccessors#define}) */
    Accessors(MemberAccessor.Factory factory) {
        this.factory = factory;
    }

    /** The factory for {@code type}'s serializers: the accessor already made for the class, else a new one. */
    MemberAccessor.Factory forClass(Class<?> type) {
        return (getters, setters) -> {
            MemberAccessor accessor = made.get(type);
            if (accessor == null) {
                accessor = factory.define(getters, setters); // two Kryos may both define it: the first kept wins
                MemberAccessor earlier = made.putIfAbsent(type, accessor);
                if (earlier != null) {
                    accessor = earlier;
                }
            }
            return accessor;
        };
    }

    /** How many classes have an accessor (tests). */
    int size() {
        return made.size();
    }
}
