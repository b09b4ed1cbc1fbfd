package io.swivel.protocol;

/**
 * The version constraint a call may carry: empty for any version, an exact version
 * ({@code 2.0.0}), or a prefix ending in {@code *} ({@code 2.*} matches {@code 2.0.0} and
 * {@code 2.1}).
 */
public final class VersionConstraints {

    private VersionConstraints() {
    }

    /**
     * Whether a version satisfies a constraint.
     *
     * @param constraint the constraint, "" for any
     * @param version the bundle version
     * @return true if it does
     */
    public static boolean matches(String constraint, String version) {
        if (constraint == null || constraint.isEmpty()) {
            return true;
        }
        if (version == null) {
            return false;
        }
        if (constraint.endsWith("*")) {
            return version.startsWith(constraint.substring(0, constraint.length() - 1));
        }
        return constraint.equals(version);
    }
}
