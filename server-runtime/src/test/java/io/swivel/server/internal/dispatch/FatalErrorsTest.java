package io.swivel.server.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The error label of {@code swivel_call_fatal_errors_total} is a JDK class name, never a bundle's; a bundle's long message is cut. */
class FatalErrorsTest {

    /** What a bundle could define. */
    private static final class BundleError extends InternalError {
        private static final long serialVersionUID = 1L;

        BundleError() {
            super("a bundle's own kind");
        }
    }

    @Test
    void aSubclassIsLabelledWithTheJdkClassItExtends() {
        assertThat(FatalErrors.jdkType(new BundleError())).isEqualTo("InternalError");
        assertThat(FatalErrors.jdkType(new OutOfMemoryError())).isEqualTo("OutOfMemoryError");
        assertThat(FatalErrors.jdkType(new StackOverflowError())).isEqualTo("StackOverflowError");
    }

    @Test
    void aLongMessageIsShortenedWithItsLength() {
        String huge = "x".repeat(100_000);
        assertThat(FatalErrors.shortened(huge)).hasSize(FatalErrors.MAX_MESSAGE_CHARS + "... (100000 chars)".length())
                .endsWith("... (100000 chars)");
        assertThat(FatalErrors.shortened("Java heap space")).isEqualTo("Java heap space");
    }
}
