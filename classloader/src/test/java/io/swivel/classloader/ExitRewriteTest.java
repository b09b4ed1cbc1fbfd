package io.swivel.classloader;

import static io.swivel.classloader.Bundles.compile;
import static io.swivel.classloader.Bundles.invokeStatic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.api.ExitRefusedException;
import io.swivel.testing.JarBuilder;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls that would stop the JVM, in a bundle's classes and in its nested libraries, throw instead. */
class ExitRewriteTest {

    private static final String QUITTER = """
            package b;

            public final class Quitter {
                private Quitter() {
                }

                public static String system(Integer status) {
                    System.exit(status);
                    return "still here";
                }

                public static String runtimeExit(Integer status) {
                    Runtime.getRuntime().exit(status);
                    return "still here";
                }

                public static String runtimeHalt(Integer status) {
                    Runtime runtime = Runtime.getRuntime();
                    runtime.halt(status);
                    return "still here";
                }

                // Other methods named exit/halt, and branches around the call, are left working.
                public static String exit(String word) {
                    String answer = word.isEmpty() ? "empty" : word;
                    for (int i = 0; i < 2; i++) {
                        if (i == 5) {
                            System.exit(9);
                        }
                    }
                    return answer + " " + Runtime.getRuntime().availableProcessors();
                }
            }
            """;

    private static final String LIB_QUITTER = """
            package lib;

            public final class LibQuitter {
                private LibQuitter() {
                }

                public static String quit(Integer status) {
                    System.exit(status);
                    return "still here";
                }
            }
            """;

    private static final String REFERENCES = """
            package b;

            import java.lang.invoke.MethodHandle;
            import java.lang.invoke.MethodHandles;
            import java.lang.invoke.MethodType;
            import java.util.function.IntConsumer;
            import java.util.function.ObjIntConsumer;

            public final class References {
                private References() {
                }

                public static String systemExit(Integer status) {
                    IntConsumer exit = System::exit;
                    exit.accept(status);
                    return "still here";
                }

                public static String boundHalt(Integer status) {
                    IntConsumer halt = Runtime.getRuntime()::halt;
                    halt.accept(status);
                    return "still here";
                }

                public static String unboundExit(Integer status) {
                    ObjIntConsumer<Runtime> exit = Runtime::exit;
                    exit.accept(Runtime.getRuntime(), status);
                    return "still here";
                }

                public static String lambda(Integer status) {
                    IntConsumer exit = s -> System.exit(s);
                    exit.accept(status);
                    return "still here";
                }

                public static String otherReference(Integer value) {
                    IntConsumer print = Integer::toString;
                    print.accept(value);
                    return "kept " + value;
                }

                // Not covered: a handle looked up by name at run time. Only its type is checked here.
                public static String lookedUp() throws ReflectiveOperationException {
                    MethodHandle exit = MethodHandles.lookup().findStatic(System.class, "exit",
                            MethodType.methodType(void.class, int.class));
                    return exit.type().toString();
                }
            }
            """;

    @TempDir
    Path tmp;

    private BundleClassLoader open(Path jar) throws IOException {
        return BundleClassLoader.open("quitter@1", jar, ExitRewriteTest.class.getClassLoader(), tmp.resolve("work"));
    }

    @Test
    void systemExitRuntimeExitAndHaltThrowNamingTheCall() throws Throwable {
        Path classes = compile(tmp.resolve("classes"), Map.of("b.Quitter", QUITTER));
        Path jar = new JarBuilder().bundle("quitter", "1").addTree(classes).write(tmp.resolve("quitter.jar"));
        try (BundleClassLoader loader = open(jar)) {
            Class<?> quitter = loader.loadClass("b.Quitter");
            assertThatThrownBy(() -> invokeStatic(quitter, "system", 3))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessage("System.exit(3) refused: bundle code may not stop the JVM (called from b.Quitter.system)")
                    .satisfies(e -> assertThat(((ExitRefusedException) e).attempted()).isEqualTo("System.exit(3)"));
            assertThatThrownBy(() -> invokeStatic(quitter, "runtimeExit", 4))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessageStartingWith("Runtime.exit(4) refused")
                    .hasMessageEndingWith("(called from b.Quitter.runtimeExit)");
            assertThatThrownBy(() -> invokeStatic(quitter, "runtimeHalt", 5))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessageStartingWith("Runtime.halt(5) refused");
            assertThat(invokeStatic(quitter, "exit", "word"))
                    .isEqualTo("word " + Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void methodReferencesToExitAndHaltThrowWhenInvoked() throws Throwable {
        Path classes = compile(tmp.resolve("classes"), Map.of("b.References", REFERENCES));
        Path jar = new JarBuilder().bundle("quitter", "1").addTree(classes).write(tmp.resolve("refs.jar"));
        try (BundleClassLoader loader = open(jar)) {
            Class<?> references = loader.loadClass("b.References");
            assertThatThrownBy(() -> invokeStatic(references, "systemExit", 3))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessage("System.exit(3) refused: bundle code may not stop the JVM"
                            + " (called from b.References (method reference))");
            assertThatThrownBy(() -> invokeStatic(references, "boundHalt", 4))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessageStartingWith("Runtime.halt(4) refused");
            assertThatThrownBy(() -> invokeStatic(references, "unboundExit", 5))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessageStartingWith("Runtime.exit(5) refused");
            assertThatThrownBy(() -> invokeStatic(references, "lambda", 6))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessageStartingWith("System.exit(6) refused")
                    .hasMessageContaining("called from b.References.lambda$");
            assertThat(invokeStatic(references, "otherReference", 8)).isEqualTo("kept 8");
            // documented as not covered (BUNDLE-AUTHORS.md): the name is a string resolved at run time
            assertThat(invokeStatic(references, "lookedUp")).isEqualTo("(int)void");
        }
    }

    @Test
    void anLdcOfAnExitHandleIsBridgedToo() throws Throwable {
        // javac never emits an ldc of a MethodHandle constant: build one with ASM
        net.bytebuddy.jar.asm.ClassWriter writer = new net.bytebuddy.jar.asm.ClassWriter(
                net.bytebuddy.jar.asm.ClassWriter.COMPUTE_MAXS);
        writer.visit(net.bytebuddy.jar.asm.Opcodes.V17,
                net.bytebuddy.jar.asm.Opcodes.ACC_PUBLIC | net.bytebuddy.jar.asm.Opcodes.ACC_FINAL,
                "b/Ldc", null, "java/lang/Object", null);
        MethodVisitor method = writer.visitMethod(
                net.bytebuddy.jar.asm.Opcodes.ACC_PUBLIC | net.bytebuddy.jar.asm.Opcodes.ACC_STATIC,
                "handle", "()Ljava/lang/invoke/MethodHandle;", null, null);
        method.visitCode();
        method.visitLdcInsn(new Handle(net.bytebuddy.jar.asm.Opcodes.H_INVOKESTATIC, "java/lang/System", "exit",
                "(I)V", false));
        method.visitInsn(net.bytebuddy.jar.asm.Opcodes.ARETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        Path jar = new JarBuilder().bundle("quitter", "1").add("b/Ldc.class", writer.toByteArray())
                .write(tmp.resolve("ldc.jar"));
        try (BundleClassLoader loader = open(jar)) {
            MethodHandle exit = (MethodHandle) invokeStatic(loader.loadClass("b.Ldc"), "handle");
            assertThatThrownBy(() -> exit.invoke(9))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessageStartingWith("System.exit(9) refused");
        }
    }

    @Test
    void classesOfNestedLibrariesAreRewrittenToo() throws Throwable {
        Path libClasses = compile(tmp.resolve("lib-classes"), Map.of("lib.LibQuitter", LIB_QUITTER));
        Path lib = new JarBuilder().addTree(libClasses).write(tmp.resolve("quitter-lib.jar"));
        Path jar = new JarBuilder().bundle("quitter", "1").add("lib/quitter-lib.jar", lib).write(tmp.resolve("b.jar"));
        try (BundleClassLoader loader = open(jar)) {
            Class<?> quitter = loader.loadClass("lib.LibQuitter");
            assertThat(quitter.getClassLoader()).isSameAs(loader);
            assertThat(quitter.getPackage().getName()).isEqualTo("lib");
            assertThatThrownBy(() -> invokeStatic(quitter, "quit", 7))
                    .isInstanceOf(ExitRefusedException.class)
                    .hasMessageStartingWith("System.exit(7) refused")
                    .hasMessageEndingWith("(called from lib.LibQuitter.quit)");
        }
    }

    @Test
    void bytesThatAreNoClassFileFailAsDefineClassWould() throws IOException {
        Path jar = new JarBuilder().bundle("bad", "1")
                .add("b/Bad.class", "not a class, but it says exit".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .write(tmp.resolve("bad.jar"));
        try (BundleClassLoader loader = open(jar)) {
            assertThatThrownBy(() -> loader.loadClass("b.Bad"))
                    .isInstanceOf(ClassFormatError.class)
                    .hasMessageContaining("b.Bad in ")
                    .hasMessageContaining("is not a class file ASM can read");
        }
    }

    @Test
    void aClassWithoutSuchCallsIsDefinedFromItsOwnBytes() {
        byte[] plain = {(byte) 0xCA, (byte) 0xFE, 1, 2, 3};
        assertThat(ExitCallRewriter.rewrite(plain)).isSameAs(plain);
    }
}
