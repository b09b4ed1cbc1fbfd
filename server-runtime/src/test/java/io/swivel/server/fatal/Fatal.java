package io.swivel.server.fatal;

import java.util.concurrent.CompletableFuture;

/** A service whose methods end in the errors that must not take a server down. */
public interface Fatal {

    /** @return "Hello, NAME" */
    String hello(String name);

    /** @return the name of the thread that ran the call */
    String thread();

    /** Throws {@code new OutOfMemoryError(message)}. */
    String outOfMemory(String message);

    /** Recurses without end: a real {@link StackOverflowError}. */
    int recurse(int depth);

    /** @return a future that completes with {@code new OutOfMemoryError(message)} */
    CompletableFuture<String> outOfMemoryLater(String message);

    /** @return an answer whose encoding throws {@code OutOfMemoryError(message)} (its accessor does) */
    FatalAnswer unencodable(String message);

    /** @return the parcel's text; the bundle's copy of {@link FatalParcel} cannot be initialised */
    String open(FatalParcel parcel);
}
