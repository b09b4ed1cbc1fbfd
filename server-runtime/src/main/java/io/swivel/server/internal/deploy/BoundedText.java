package io.swivel.server.internal.deploy;

/**
 * Cuts a text that came from a bundle (a manifest value, an exception message) to a few KiB,
 * with a note of its full length, so that one bundle cannot make a marker, the status, a log
 * line or {@code GET /v1/bundles} megabytes long. Applied where the text enters the server:
 * when the manifest is read and when an error is recorded.
 */
final class BoundedText {

    /** The longest text kept, in characters. */
    static final int MAX_CHARS = 4096;

    private BoundedText() {
    }

    /**
     * Bounds a text to {@link #MAX_CHARS}.
     *
     * @param text a text, or null
     * @return the text itself if short enough (or null), else its beginning and a note of its length
     */
    static String of(String text) {
        return of(text, MAX_CHARS);
    }

    /**
     * Bounds a text.
     *
     * @param text a text, or null
     * @param maxChars the most characters kept
     * @return the text itself if short enough (or null), else its beginning and a note of its length
     */
    static String of(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end) + "… [truncated: " + text.length() + " characters in all]";
    }
}
