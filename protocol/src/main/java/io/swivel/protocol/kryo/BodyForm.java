package io.swivel.protocol.kryo;

import java.util.Locale;

/**
 * The form in which a {@link SerializationContext} writes plain classes and records. Every reader
 * of this version reads both; the choice matters only to peers built before the described form,
 * which read the name-keyed form and refuse the described one ("cannot decode body: ... with 2048
 * members (expected: <= 1024)"). Write {@link #NAME_KEYED} while such peers remain (a rolling
 * upgrade: see docs/BUNDLE-AUTHORS.md, "Data types on the wire"), {@link #DESCRIBED} otherwise.
 */
public enum BodyForm {

    /** A class's member names once per value, then its values by position ({@link MemberSerializer}): the default. */
    DESCRIBED,

    /** Each value's members keyed by name ({@link NamedChunks}), as writers before the described form wrote. */
    NAME_KEYED;

    /**
     * The form a setting names.
     *
     * @param value {@code described} or {@code name-keyed} (case and surrounding space ignored)
     * @return the form
     * @throws IllegalArgumentException for any other value, with the values expected
     */
    public static BodyForm parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "described" -> DESCRIBED;
            case "name-keyed" -> NAME_KEYED;
            default -> throw new IllegalArgumentException(value + " (expected: described or name-keyed)");
        };
    }

    /**
     * The setting's spelling of this form, which {@link #parse} reads.
     *
     * @return {@code described} or {@code name-keyed}
     */
    public String setting() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
