package io.swivel.api;

import java.util.Objects;

/**
 * Refuses a call: thrown by a {@link ServerInterceptor} (or a service method), it is answered with
 * its status and message instead of as an application error, and does not count against a new
 * version in probation.
 */
public class CallRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The statuses of {@code swivel/1} a refusal may carry. */
    public enum Status {
        /** The call is not acceptable as sent (missing or bad metadata, a caller not allowed). */
        BAD_REQUEST,
        /** Nothing here answers this call. */
        NOT_FOUND,
        /** Too many calls now (a rate limit); the client retries elsewhere or later. */
        OVERLOADED,
        /** Too little time is left for this call. */
        DEADLINE_EXCEEDED,
        /** The server cannot serve it for a reason of its own. */
        INTERNAL
    }

    private final Status status;

    /**
     * Creates a refusal.
     *
     * @param status the status the caller gets
     * @param message what was wrong and what to do, for the caller
     */
    public CallRefusedException(Status status, String message) {
        super(message);
        this.status = Objects.requireNonNull(status, "status");
    }

    /** @return the status the caller gets */
    public Status status() {
        return status;
    }
}
