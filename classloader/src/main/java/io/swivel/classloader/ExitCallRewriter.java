package io.swivel.classloader;

import java.nio.charset.StandardCharsets;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites the calls that would stop the JVM in one class file: {@code System.exit(int)},
 * {@code Runtime.exit(int)} and {@code Runtime.halt(int)} become calls to
 * {@code io.swivel.api.ExitRefusedException}'s static methods, which throw. Everything else of
 * the class is kept byte for byte where ASM allows; a class that makes none of these calls is
 * returned unchanged (the same array).
 *
 * <p>Method handles naming these methods (a method reference such as {@code System::exit} or
 * {@code Runtime.getRuntime()::halt}, compiled to an {@code invokedynamic} whose bootstrap
 * arguments hold the handle, or an {@code ldc} of a method handle constant) are pointed at a
 * private static bridge added to the class, {@code swivel$systemExit(I)V},
 * {@code swivel$runtimeExit(Ljava/lang/Runtime;I)V} or {@code swivel$runtimeHalt(Ljava/lang/Runtime;I)V},
 * which calls the guard with the class's name as the caller. Handles built by name at run time
 * ({@code MethodHandles.Lookup.findStatic}) and reflection are not seen.
 */
final class ExitCallRewriter {

    private static final String GUARD = "io/swivel/api/ExitRefusedException";
    private static final byte[] EXIT = "exit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HALT = "halt".getBytes(StandardCharsets.US_ASCII);
    private static final String BRIDGE_PREFIX = "swivel$";

    private ExitCallRewriter() {
    }

    /**
     * Rewrites a class file if it calls exit or halt.
     *
     * @param classFile the bytes as read from the jar
     * @return the rewritten bytes, or {@code classFile} itself if nothing had to change
     */
    static byte[] rewrite(byte[] classFile) {
        // A call to exit or halt needs the method name in the constant pool, stored as plain bytes:
        // most classes are passed through without parsing.
        if (indexOf(classFile, EXIT) < 0 && indexOf(classFile, HALT) < 0) {
            return classFile;
        }
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private String className;
            private String internalName;
            private boolean isInterface;
            private int classVersion;
            /** Which bridges the rewritten handles need: systemExit, runtimeExit, runtimeHalt. */
            private final boolean[] bridges = new boolean[3];

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                className = name.replace('/', '.');
                internalName = name;
                isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
                classVersion = version & 0xFFFF;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            /** The handle to call instead of {@code handle}, or {@code handle} itself. */
            private Object bridged(Object constant) {
                if (!(constant instanceof Handle handle)) {
                    return constant;
                }
                int opcode = switch (handle.getTag()) {
                    case Opcodes.H_INVOKESTATIC -> Opcodes.INVOKESTATIC;
                    case Opcodes.H_INVOKEVIRTUAL -> Opcodes.INVOKEVIRTUAL;
                    default -> -1;
                };
                String replacement = replacement(opcode, handle.getOwner(), handle.getName(), handle.getDesc());
                if (replacement == null) {
                    return constant;
                }
                if (isInterface && classVersion < Opcodes.V1_8) {
                    // no private static method can be added to such an interface: refuse the class
                    throw new IllegalStateException(className + " holds a method handle to " + handle.getOwner()
                            + "." + handle.getName() + handle.getDesc()
                            + " in an interface of class file version " + classVersion
                            + "; bundle code may not stop the JVM");
                }
                changed[0] = true;
                bridges[bridgeIndex(replacement)] = true;
                return new Handle(Opcodes.H_INVOKESTATIC, internalName, BRIDGE_PREFIX + replacement,
                        guardDescriptor(opcode).replace("Ljava/lang/String;", ""), isInterface);
            }

            @Override
            public void visitEnd() {
                String[] names = {"systemExit", "runtimeExit", "runtimeHalt"};
                for (int i = 0; i < names.length; i++) {
                    if (bridges[i]) {
                        addBridge(names[i], i == 0 ? Opcodes.INVOKESTATIC : Opcodes.INVOKEVIRTUAL);
                    }
                }
                super.visitEnd();
            }

            private void addBridge(String guard, int opcode) {
                String guardDesc = guardDescriptor(opcode);
                String desc = guardDesc.replace("Ljava/lang/String;", "");
                MethodVisitor bridge = super.visitMethod(
                        Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                        BRIDGE_PREFIX + guard, desc, null, null);
                bridge.visitCode();
                int slot = 0;
                if (opcode == Opcodes.INVOKEVIRTUAL) {
                    bridge.visitVarInsn(Opcodes.ALOAD, slot++);
                }
                bridge.visitVarInsn(Opcodes.ILOAD, slot++);
                bridge.visitLdcInsn(className + " (method reference)");
                bridge.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, guard, guardDesc, false);
                bridge.visitInsn(Opcodes.RETURN);
                bridge.visitMaxs(slot + 1, slot);
                bridge.visitEnd();
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                String caller = className + "." + name;
                return new MethodVisitor(Opcodes.ASM9, next) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        String replacement = replacement(opcode, owner, method, desc);
                        if (replacement == null) {
                            super.visitMethodInsn(opcode, owner, method, desc, itf);
                            return;
                        }
                        changed[0] = true;
                        super.visitLdcInsn(caller);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, replacement, guardDescriptor(opcode), false);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String method, String desc, Handle bootstrap, Object... args) {
                        Object[] rewritten = args.clone();
                        for (int i = 0; i < rewritten.length; i++) {
                            rewritten[i] = bridged(rewritten[i]);
                        }
                        super.visitInvokeDynamicInsn(method, desc, (Handle) bridged(bootstrap), rewritten);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        super.visitLdcInsn(bridged(value));
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        // one more slot for the caller's name pushed before the guard's call
                        super.visitMaxs(maxStack + 1, maxLocals);
                    }
                };
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : classFile;
    }

    private static String guardDescriptor(int opcode) {
        return opcode == Opcodes.INVOKESTATIC ? "(ILjava/lang/String;)V" : "(Ljava/lang/Runtime;ILjava/lang/String;)V";
    }

    private static int bridgeIndex(String guard) {
        return switch (guard) {
            case "systemExit" -> 0;
            case "runtimeExit" -> 1;
            default -> 2;
        };
    }

    /** The guard method replacing a call, or null to keep the call. */
    private static String replacement(int opcode, String owner, String method, String desc) {
        if (!desc.equals("(I)V")) {
            return null;
        }
        if (opcode == Opcodes.INVOKESTATIC && owner.equals("java/lang/System") && method.equals("exit")) {
            return "systemExit";
        }
        if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals("java/lang/Runtime")) {
            if (method.equals("exit")) {
                return "runtimeExit";
            }
            if (method.equals("halt")) {
                return "runtimeHalt";
            }
        }
        return null;
    }

    private static int indexOf(byte[] data, byte[] word) {
        outer:
        for (int i = 0; i <= data.length - word.length; i++) {
            for (int j = 0; j < word.length; j++) {
                if (data[i + j] != word[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
