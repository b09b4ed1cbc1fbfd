package io.swivel.protocol.kryo;

import static net.bytebuddy.jar.asm.Opcodes.ACC_FINAL;
import static net.bytebuddy.jar.asm.Opcodes.ACC_PUBLIC;
import static net.bytebuddy.jar.asm.Opcodes.ACC_STATIC;
import static net.bytebuddy.jar.asm.Opcodes.ACC_SUPER;
import static net.bytebuddy.jar.asm.Opcodes.ACC_SYNTHETIC;
import static net.bytebuddy.jar.asm.Opcodes.ALOAD;
import static net.bytebuddy.jar.asm.Opcodes.ATHROW;
import static net.bytebuddy.jar.asm.Opcodes.DUP;
import static net.bytebuddy.jar.asm.Opcodes.F_SAME;
import static net.bytebuddy.jar.asm.Opcodes.H_INVOKESTATIC;
import static net.bytebuddy.jar.asm.Opcodes.ILOAD;
import static net.bytebuddy.jar.asm.Opcodes.INVOKESPECIAL;
import static net.bytebuddy.jar.asm.Opcodes.INVOKEVIRTUAL;
import static net.bytebuddy.jar.asm.Opcodes.IRETURN;
import static net.bytebuddy.jar.asm.Opcodes.NEW;
import static net.bytebuddy.jar.asm.Opcodes.POP;
import static net.bytebuddy.jar.asm.Opcodes.RETURN;
import static net.bytebuddy.jar.asm.Opcodes.V17;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Type;

/**
 * Generates a {@link MemberAccessor} over given method handles as a hidden class of this package
 * whose class data is the handles: each of its methods switches on the slot
 * ({@code tableswitch}) and calls the slot's handle loaded as a constant ({@code ldc} of a
 * dynamic constant, {@link MethodHandles#classDataAt}). A constant handle is compiled by the JIT
 * into what it does (a field read or write, a call of the record's accessor), without the checks
 * a handle read from an array costs on each call ({@code Invokers.checkCustomized},
 * {@code DirectMethodHandle.checkBase}, {@code checkCast}); the values, casts and exceptions are
 * the handles' own, as through {@link HandleAccessor}.
 *
 * <p>Why not a nestmate of the class read, with {@code getfield} and {@code putfield}:
 * {@code MethodHandles.privateLookupIn} gives full privilege access, which
 * {@code defineHiddenClass} requires, only for a class in this module; a bundle's classes are in
 * the unnamed module of their own loader (refused: "does not have full privilege access"), and
 * that loader does not see this package's interface either. The JVM also refuses
 * {@code putfield} on a final field from any class but its own constructors, where a setter
 * handle made after {@code setAccessible(true)} sets it.
 *
 * <p>Nothing is cached here: each call defines a new class, held by the accessor returned only (a
 * context keeps one per class in its {@link Accessors}). It is not {@code STRONG}: it is unloaded
 * once that accessor is unreachable, and with it the hold its class data has on the classes read.
 */
final class HiddenAccessors {

    /** {@link MemberAccessor}'s getters, then the type each returns. */
    private static final String[] GETTERS = {"get", "getBoolean", "getByte", "getChar", "getShort", "getInt", "getLong",
        "getFloat", "getDouble"};
    private static final Class<?>[] VALUE_TYPES = {Object.class, boolean.class, byte.class, char.class, short.class,
        int.class, long.class, float.class, double.class};
    private static final MethodType SETTER = MethodType.methodType(void.class, Object.class, Object.class);
    private static final String BRIDGE = Type.getInternalName(HiddenAccessors.class) + "$$Generated";
    private static final String HANDLE = Type.getInternalName(MethodHandle.class);
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, Type.getInternalName(MethodHandles.class),
            "classDataAt", MethodType.methodType(Object.class, MethodHandles.Lookup.class, String.class, Class.class,
                    int.class).toMethodDescriptorString(), false);

    private HiddenAccessors() {
    }

    /**
     * Defines the accessor of {@code getters.length} slots.
     *
     * @param getters per slot, {@code (T) -> member type}
     * @param setters per slot, {@code (Object, Object) -> void}, or null where the slot is not set
     *     (all of them if the array is null)
     * @throws IllegalAccessException if this package's lookup may not define the class
     * @throws ReflectiveOperationException if the generated class cannot be instantiated
     * @throws LinkageError if the JVM refuses the generated class
     */
    static MemberAccessor define(MethodHandle[] getters, MethodHandle[] setters) throws ReflectiveOperationException {
        List<MethodHandle> constants = new ArrayList<>();
        byte[] bytes = bytes(getters, setters, constants);
        MethodHandles.Lookup bridge = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, List.copyOf(constants), true);
        return (MemberAccessor) bridge.lookupClass().getDeclaredConstructor().newInstance();
    }

    /** The class's bytes; {@code constants} receives its class data, the handles it calls, in constant order. */
    private static byte[] bytes(MethodHandle[] getters, MethodHandle[] setters, List<MethodHandle> constants) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(V17, ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, BRIDGE, null, "java/lang/Object",
                new String[] {Type.getInternalName(MemberAccessor.class)});
        MethodVisitor init = writer.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        for (int g = 0; g < GETTERS.length; g++) {
            MethodType type = MethodType.methodType(VALUE_TYPES[g], Object.class);
            MethodHandle[] handles = new MethodHandle[getters.length];
            for (int slot = 0; slot < getters.length; slot++) {
                if (VALUE_TYPES[g] == Object.class || getters[slot].type().returnType() == VALUE_TYPES[g]) {
                    handles[slot] = getters[slot].asType(type);
                }
            }
            method(writer, GETTERS[g], type, handles, constants);
        }
        method(writer, "set", SETTER, setters == null ? new MethodHandle[getters.length] : setters, constants);
        // Resolves every constant when the class is initialized (define does): the JIT compiles no
        // method with an ldc not resolved yet (C1 and C2 skip it: "could not resolve a constant"),
        // and the case of a slot never called that way (get of a primitive field) would be one.
        MethodVisitor clinit = writer.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        for (int k = 0; k < constants.size(); k++) {
            clinit.visitLdcInsn(constant(k));
            clinit.visitInsn(POP);
        }
        clinit.visitInsn(RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * A method {@code name(Object target, int slot[, Object value])} that calls
     * {@code handles[slot]} (of type {@code type}: target[, value] -> result) and throws
     * {@link IndexOutOfBoundsException} for a slot whose handle is null.
     */
    private static void method(ClassWriter writer, String name, MethodType type, MethodHandle[] handles,
            List<MethodHandle> constants) {
        boolean setter = type.parameterCount() == 2;
        Type returned = Type.getType(type.returnType());
        String descriptor = setter ? "(Ljava/lang/Object;ILjava/lang/Object;)V"
                : Type.getMethodDescriptor(returned, Type.getType(Object.class), Type.INT_TYPE);
        MethodVisitor m = writer.visitMethod(ACC_PUBLIC, name, descriptor, null, null);
        m.visitCode();
        Label fail = new Label();
        Label[] cases = new Label[handles.length];
        int min = -1;
        int max = -1;
        for (int slot = 0; slot < handles.length; slot++) {
            if (handles[slot] != null) {
                cases[slot] = new Label();
                min = min < 0 ? slot : min;
                max = slot;
            }
        }
        if (min >= 0) {
            Label[] table = new Label[max - min + 1];
            for (int slot = min; slot <= max; slot++) {
                table[slot - min] = cases[slot] != null ? cases[slot] : fail;
            }
            m.visitVarInsn(ILOAD, 2);
            m.visitTableSwitchInsn(min, max, fail, table);
            for (int slot = min; slot <= max; slot++) {
                if (cases[slot] == null) {
                    continue;
                }
                enter(m, cases[slot]);
                m.visitLdcInsn(constant(constants.size()));
                constants.add(handles[slot]);
                m.visitVarInsn(ALOAD, 1);
                if (setter) {
                    m.visitVarInsn(ALOAD, 3);
                }
                m.visitMethodInsn(INVOKEVIRTUAL, HANDLE, "invokeExact", type.toMethodDescriptorString(), false);
                m.visitInsn(returned.getOpcode(IRETURN));
            }
            enter(m, fail);
        }
        m.visitTypeInsn(NEW, "java/lang/IndexOutOfBoundsException");
        m.visitInsn(DUP);
        m.visitVarInsn(ILOAD, 2);
        m.visitMethodInsn(INVOKESPECIAL, "java/lang/IndexOutOfBoundsException", "<init>", "(I)V", false);
        m.visitInsn(ATHROW);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** Class data element {@code k}, a method handle. */
    private static ConstantDynamic constant(int k) {
        return new ConstantDynamic("_", Type.getDescriptor(MethodHandle.class), CLASS_DATA_AT, k);
    }

    /** A switch target: the arguments as the method received them, an empty stack. */
    private static void enter(MethodVisitor m, Label label) {
        m.visitLabel(label);
        m.visitFrame(F_SAME, 0, null, 0, null);
    }
}
