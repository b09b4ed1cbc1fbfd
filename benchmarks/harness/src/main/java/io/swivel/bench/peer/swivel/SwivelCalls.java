package io.swivel.bench.peer.swivel;

import io.swivel.bench.user.UserSamples;
import io.swivel.bench.user.UserService;
import io.swivel.bench.workload.Op;
import io.swivel.bench.workload.UserCalls;
import io.swivel.client.ClientTls;
import io.swivel.client.SwivelClient;
import java.util.concurrent.CompletableFuture;

/** The workload through a {@link SwivelClient} proxy of {@link UserService}, as an application calls it. */
public final class SwivelCalls implements UserCalls {

    private final SwivelClient client;
    private final UserService users;
    private final boolean lambda;

    /**
     * Connects a client to one server; asynchronous calls go through the twin methods.
     *
     * @param host the server's host
     * @param port its {@code swivel/1} port
     */
    public SwivelCalls(String host, int port) {
        this(host, port, false);
    }

    /**
     * Connects a client to one server.
     *
     * @param host the server's host
     * @param port its {@code swivel/1} port
     * @param lambda make asynchronous calls with {@code client.async(() -> users.getUser(id))}
     *               rather than through the interface's {@code CompletableFuture} twins
     */
    public SwivelCalls(String host, int port, boolean lambda) {
        this(SwivelClient.builder().address(host, port).build(), lambda);
    }

    /**
     * Connects a client to one server over TLS; asynchronous calls go through the twin methods.
     *
     * @param host the server's host
     * @param port its {@code swivel/1} port
     * @param tls the client's TLS settings
     */
    public SwivelCalls(String host, int port, ClientTls tls) {
        this(SwivelClient.builder().address(host, port).tls(tls).build(), false);
    }

    private SwivelCalls(SwivelClient client, boolean lambda) {
        this.client = client;
        this.users = client.proxy(UserService.class);
        this.lambda = lambda;
    }

    /** @return the proxy, for calls outside the workload ({@code version()}) */
    public UserService service() {
        return users;
    }

    @Override
    public Object call(Op op, long seq) {
        return switch (op) {
            case EXIST_USER -> users.existUser(String.valueOf(seq));
            case CREATE_USER -> users.createUser(UserSamples.user(seq));
            case GET_USER -> users.getUser(seq);
            case LIST_USER -> users.listUser((int) seq);
        };
    }

    @Override
    public CompletableFuture<?> callAsync(Op op, long seq) {
        if (lambda) {
            return switch (op) {
                case EXIST_USER -> client.async(() -> users.existUser(String.valueOf(seq)));
                case CREATE_USER -> client.async(() -> users.createUser(UserSamples.user(seq)));
                case GET_USER -> client.async(() -> users.getUser(seq));
                case LIST_USER -> client.async(() -> users.listUser((int) seq));
            };
        }
        return switch (op) {
            case EXIST_USER -> users.existUserAsync(String.valueOf(seq));
            case CREATE_USER -> users.createUserAsync(UserSamples.user(seq));
            case GET_USER -> users.getUserAsync(seq);
            case LIST_USER -> users.listUserAsync((int) seq);
        };
    }

    @Override
    public void close() {
        client.close();
    }
}
