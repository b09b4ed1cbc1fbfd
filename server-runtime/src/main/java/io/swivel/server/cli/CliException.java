package io.swivel.server.cli;

/** A command failed; the message is the one line printed to the user, saying what to do. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
