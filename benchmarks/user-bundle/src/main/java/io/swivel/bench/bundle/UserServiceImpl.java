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
 * asynchronous method with an already completed future, and its own bundle version.
 */
@RpcService(UserService.class)
public final class UserServiceImpl implements UserService {

    private final String version;

    /**
     * Creates the service; the runtime calls this constructor.
     *
     * @param context the bundle's context, for its version
     */
    public UserServiceImpl(BundleContext context) {
        this.version = context.bundleVersion();
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
