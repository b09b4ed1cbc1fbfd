package io.swivel.api;

/**
 * Thrown in bundle code in place of {@code System.exit}, {@code Runtime.exit} and
 * {@code Runtime.halt}: a bundle shares its server with other bundles and may not stop the JVM.
 *
 * <p>Swivel rewrites those calls when it defines a bundle's classes (its own and those of its
 * nested {@code lib/*.jar}) into calls to the static methods below, which never return. A
 * service method that tries gets {@code APP_ERROR} naming this exception; the server logs and
 * counts the attempt and keeps serving. Calls made by reflection or through method handles are
 * not rewritten (see {@code docs/BUNDLE-AUTHORS.md}).
 */
public final class ExitRefusedException extends SecurityException {

    private static final long serialVersionUID = 1L;

    private final String attempted;
    private final String caller;

    private ExitRefusedException(String attempted, String caller) {
        super(attempted + " refused: bundle code may not stop the JVM (called from " + caller + ")");
        this.attempted = attempted;
        this.caller = caller;
    }

    /** @return what the bundle tried, such as {@code System.exit(3)} */
    public String attempted() {
        return attempted;
    }

    /** @return the bundle method that tried, such as {@code com.example.GreeterImpl.greet} */
    public String caller() {
        return caller;
    }

    /**
     * Replaces {@code System.exit(status)}.
     *
     * @param status the status asked for
     * @param caller the calling method, written in by the rewrite
     */
    public static void systemExit(int status, String caller) {
        throw new ExitRefusedException("System.exit(" + status + ")", caller);
    }

    /**
     * Replaces {@code runtime.exit(status)}.
     *
     * @param runtime the receiver of the call (unused)
     * @param status the status asked for
     * @param caller the calling method, written in by the rewrite
     */
    public static void runtimeExit(Runtime runtime, int status, String caller) {
        throw new ExitRefusedException("Runtime.exit(" + status + ")", caller);
    }

    /**
     * Replaces {@code runtime.halt(status)}.
     *
     * @param runtime the receiver of the call (unused)
     * @param status the status asked for
     * @param caller the calling method, written in by the rewrite
     */
    public static void runtimeHalt(Runtime runtime, int status, String caller) {
        throw new ExitRefusedException("Runtime.halt(" + status + ")", caller);
    }
}
