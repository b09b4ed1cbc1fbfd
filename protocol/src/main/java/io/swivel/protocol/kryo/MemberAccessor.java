package io.swivel.protocol.kryo;

import java.lang.invoke.MethodHandle;

/**
 * Reads and sets the members of one class by slot, a member's position among those the accessor
 * was made for, its index in {@link MemberSerializer}. Both kinds are made over the same method
 * handles (a plain class's field getters and setters, a record's accessor methods):
 * {@link HiddenAccessors} generates a class that calls them as constants, {@link HandleAccessor}
 * calls them from arrays, as before accessors were generated, where that class could not be defined.
 *
 * <p>A primitive member is read by the getter of its type ({@link #getInt} for an {@code int}) or
 * boxed by {@link #get}; {@link #set} takes it boxed. The methods throw what reading or setting the
 * member throws: {@link ClassCastException} for a target or a value of the wrong class,
 * {@link NullPointerException} for a null target or a null value of a primitive member,
 * for a slot with no member of that type (or none this accessor sets) {@link IndexOutOfBoundsException}
 * from a generated accessor and {@code WrongMethodTypeException} or {@link IndexOutOfBoundsException}
 * from {@link HandleAccessor} (the serializers call each slot by its member's kind, so neither);
 * a record's accessor method may throw anything.
 */
interface MemberAccessor {

    /** Makes an accessor over handles: {@link HiddenAccessors#define}, or one that fails in tests. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param getters per slot, {@code (T) -> member type}
         * @param setters per slot, {@code (Object, Object) -> void}; null if the members are not set this way
         */
        MemberAccessor define(MethodHandle[] getters, MethodHandle[] setters) throws ReflectiveOperationException;
    }

    /** The member at {@code slot} of {@code target}; a primitive boxed. */
    Object get(Object target, int slot) throws Throwable;

    /** The {@code boolean} member at {@code slot} of {@code target}. */
    boolean getBoolean(Object target, int slot) throws Throwable;

    /** The {@code byte} member at {@code slot} of {@code target}. */
    byte getByte(Object target, int slot) throws Throwable;

    /** The {@code char} member at {@code slot} of {@code target}. */
    char getChar(Object target, int slot) throws Throwable;

    /** The {@code short} member at {@code slot} of {@code target}. */
    short getShort(Object target, int slot) throws Throwable;

    /** The {@code int} member at {@code slot} of {@code target}. */
    int getInt(Object target, int slot) throws Throwable;

    /** The {@code long} member at {@code slot} of {@code target}. */
    long getLong(Object target, int slot) throws Throwable;

    /** The {@code float} member at {@code slot} of {@code target}. */
    float getFloat(Object target, int slot) throws Throwable;

    /** The {@code double} member at {@code slot} of {@code target}. */
    double getDouble(Object target, int slot) throws Throwable;

    /** Sets the member at {@code slot} of {@code target} to {@code value} (a primitive boxed). */
    void set(Object target, int slot, Object value) throws Throwable;
}
