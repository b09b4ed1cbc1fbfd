package io.swivel.protocol.kryo;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/**
 * A {@link MemberAccessor} that calls method handles held in arrays: what serializers use when
 * {@link HiddenAccessors} cannot define a class over the same handles. Each call goes through the
 * checks a handle that is not a constant costs ({@code Invokers.checkCustomized},
 * {@code DirectMethodHandle.checkBase}, {@code checkCast}), which is why that class is generated.
 */
final class HandleAccessor implements MemberAccessor {

    /** {@code (Object) -> Object}, boxing. */
    private final MethodHandle[] boxed;
    /** {@code (Object) -> member type}. */
    private final MethodHandle[] typed;
    /** {@code (Object, Object) -> void}. */
    private final MethodHandle[] setters;

    /**
     * @param getters per slot, {@code (T) -> member type}
     * @param setters per slot, {@code (Object, Object) -> void}; null if the members are not set this way
     */
    HandleAccessor(MethodHandle[] getters, MethodHandle[] setters) {
        this.boxed = new MethodHandle[getters.length];
        this.typed = new MethodHandle[getters.length];
        for (int i = 0; i < getters.length; i++) {
            boxed[i] = getters[i].asType(MethodType.methodType(Object.class, Object.class));
            typed[i] = getters[i].asType(MethodType.methodType(getters[i].type().returnType(), Object.class));
        }
        this.setters = setters == null ? new MethodHandle[getters.length] : setters;
    }

    @Override
    public Object get(Object target, int slot) throws Throwable {
        return (Object) boxed[slot].invokeExact(target);
    }

    @Override
    public boolean getBoolean(Object target, int slot) throws Throwable {
        return (boolean) typed[slot].invokeExact(target);
    }

    @Override
    public byte getByte(Object target, int slot) throws Throwable {
        return (byte) typed[slot].invokeExact(target);
    }

    @Override
    public char getChar(Object target, int slot) throws Throwable {
        return (char) typed[slot].invokeExact(target);
    }

    @Override
    public short getShort(Object target, int slot) throws Throwable {
        return (short) typed[slot].invokeExact(target);
    }

    @Override
    public int getInt(Object target, int slot) throws Throwable {
        return (int) typed[slot].invokeExact(target);
    }

    @Override
    public long getLong(Object target, int slot) throws Throwable {
        return (long) typed[slot].invokeExact(target);
    }

    @Override
    public float getFloat(Object target, int slot) throws Throwable {
        return (float) typed[slot].invokeExact(target);
    }

    @Override
    public double getDouble(Object target, int slot) throws Throwable {
        return (double) typed[slot].invokeExact(target);
    }

    @Override
    public void set(Object target, int slot, Object value) throws Throwable {
        MethodHandle setter = setters[slot];
        if (setter == null) {
            throw new IndexOutOfBoundsException("no setter at slot " + slot);
        }
        setter.invokeExact(target, value);
    }
}
