package io.swivel.classloader;

import java.nio.charset.StandardCharsets;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites the calls that would stop the JVM in one class file: {@code System.exit(int)},
 * {@code Runtime.exit(int)} and {@code Runtime.halt(int)} become calls to
 * {@code io.swivel.api.ExitRefusedException}'s static methods, which throw. Everything else of
 * the class is kept byte for byte where ASM allows; a class that makes none of these calls is
 * returned unchanged (the same array).
 */
final class ExitCallRewriter {

    private static final String GUARD = "io/swivel/api/ExitRefusedException";
    private static final byte[] EXIT = "exit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HALT = "halt".getBytes(StandardCharsets.US_ASCII);

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

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                className = name.replace('/', '.');
                super.visit(version, access, name, signature, superName, interfaces);
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
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, replacement,
                                opcode == Opcodes.INVOKESTATIC ? "(ILjava/lang/String;)V"
                                        : "(Ljava/lang/Runtime;ILjava/lang/String;)V", false);
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
