package io.swivel.server.fatal;

/**
 * An answer whose accessor throws {@link OutOfMemoryError} when its text starts with
 * {@code oom:}: the server's encoder reads it through the accessor, so encoding it fails as an
 * encoding whose buffer cannot grow would.
 *
 * @param text the text
 */
public record FatalAnswer(String text) {

    /** @return the text; throws for {@code oom:...} */
    @Override
    public String text() {
        if (text.startsWith("oom:")) {
            throw new OutOfMemoryError(text.substring(4));
        }
        return text;
    }
}
