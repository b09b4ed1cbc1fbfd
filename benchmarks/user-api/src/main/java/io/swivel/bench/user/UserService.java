package io.swivel.bench.user;

import java.util.concurrent.CompletableFuture;

/**
 * The service of the dubbo-benchmark workload, with an asynchronous twin of each method (a
 * {@code CompletableFuture} return makes the Swivel client asynchronous end to end) and
 * {@link #version()}, which tells the harness which bundle version answered.
 */
public interface UserService {

    /**
     * Whether a user with this e-mail exists.
     *
     * @param email the address
     * @return false when the last character sorts before '5', as in dubbo-benchmark
     */
    boolean existUser(String email);

    /**
     * Creates a user.
     *
     * @param user the user
     * @return true unless the user is null
     */
    boolean createUser(User user);

    /**
     * Fetches a user.
     *
     * @param id the id
     * @return a user with that id (see {@link UserSamples#user(long)})
     */
    @io.swivel.api.Idempotent
    User getUser(long id);

    /**
     * Lists a page of fifteen users.
     *
     * @param pageNo the page number
     * @return the page
     */
    Page<User> listUser(int pageNo);

    /**
     * {@link #existUser} without blocking.
     *
     * @param email the address
     * @return the answer, later
     */
    CompletableFuture<Boolean> existUserAsync(String email);

    /**
     * {@link #createUser} without blocking.
     *
     * @param user the user
     * @return the answer, later
     */
    CompletableFuture<Boolean> createUserAsync(User user);

    /**
     * {@link #getUser} without blocking.
     *
     * @param id the id
     * @return the user, later
     */
    CompletableFuture<User> getUserAsync(long id);

    /**
     * {@link #listUser} without blocking.
     *
     * @param pageNo the page number
     * @return the page, later
     */
    CompletableFuture<Page<User>> listUserAsync(int pageNo);

    /**
     * A getUser-like call whose answer is a body of a given size, for the scaling scenario's
     * payload rows: an id in, {@code bytes} bytes out, made afresh on every call.
     *
     * @param id the id (the body's first eight bytes)
     * @param bytes the body's length
     * @return the body
     */
    byte[] getBody(long id, int bytes);

    /**
     * The version of the bundle that serves this call.
     *
     * @return for example {@code "1.0.0"}
     */
    String version();
}
