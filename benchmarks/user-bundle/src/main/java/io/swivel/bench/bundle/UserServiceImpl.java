package io.swivel.bench.bundle;

import io.swivel.api.BundleContext;
import io.swivel.api.RpcService;
import io.swivel.bench.user.Page;
import io.swivel.bench.user.User;
import io.swivel.bench.user.UserSamples;
import io.swivel.bench.user.UserService;
import java.util.concurrent.CompletableFuture;

/**
 * The benchmark bundle's service: dubbo-benchmark's UserService server, answering every
 * asynchronous method with an already completed future, and its own bundle version. A variant
 * of the jar may carry {@value #DELAY_RESOURCE} (microseconds, as text): its getUser then
 * waits that long before it answers, as a slow version would (the shadow scenario's shadow).
 */
@RpcService(UserService.class)
public final class UserServiceImpl implements UserService {

    /** The resource that makes getUser slow, in the variants that carry it. */
    static final String DELAY_RESOURCE = "bench-getuser-delay-micros.txt";

    private final String version;
    private final long delayMicros;

    /**
     * Creates the service; the runtime calls this constructor.
     *
     * @param context the bundle's context, for its version
     */
    public UserServiceImpl(BundleContext context) {
        this.version = context.bundleVersion();
        this.delayMicros = delayMicros();
    }

    private static long delayMicros() {
        try (java.io.InputStream in = UserServiceImpl.class.getResourceAsStream("/" + DELAY_RESOURCE)) {
            return in == null ? 0 : Long.parseLong(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + DELAY_RESOURCE, e);
        }
    }

    @Override
    public boolean existUser(String email) {
        return UserSamples.exists(email);
    }

    @Override
    public boolean createUser(User user) {
        return user != null;
    }

    @Override
    public User getUser(long id) {
        if (delayMicros > 0) {
            try { // a wait nothing ends early but an interrupt: a slow version, not a busy one
                new java.util.concurrent.CountDownLatch(1).await(delayMicros, java.util.concurrent.TimeUnit.MICROSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return UserSamples.user(id);
    }

    @Override
    public Page<User> listUser(int pageNo) {
        return UserSamples.page(pageNo);
    }

    @Override
    public CompletableFuture<Boolean> existUserAsync(String email) {
        return CompletableFuture.completedFuture(existUser(email));
    }

    @Override
    public CompletableFuture<Boolean> createUserAsync(User user) {
        return CompletableFuture.completedFuture(createUser(user));
    }

    @Override
    public CompletableFuture<User> getUserAsync(long id) {
        return CompletableFuture.completedFuture(getUser(id));
    }

    @Override
    public CompletableFuture<Page<User>> listUserAsync(int pageNo) {
        return CompletableFuture.completedFuture(listUser(pageNo));
    }

    @Override
    public byte[] getBody(long id, int bytes) {
        return UserSamples.body(id, bytes);
    }

    @Override
    public String version() {
        return version;
    }
}
