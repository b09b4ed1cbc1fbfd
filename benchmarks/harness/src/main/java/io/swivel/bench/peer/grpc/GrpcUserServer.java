package io.swivel.bench.peer.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.swivel.bench.grpc.proto.BoolReply;
import io.swivel.bench.grpc.proto.ExistUserRequest;
import io.swivel.bench.grpc.proto.GetUserRequest;
import io.swivel.bench.grpc.proto.ListUserRequest;
import io.swivel.bench.grpc.proto.User;
import io.swivel.bench.grpc.proto.UserPage;
import io.swivel.bench.grpc.proto.UserServiceGrpc;
import io.swivel.bench.user.UserSamples;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC peer's server: the workload's service on grpc-netty-shaded, bound to loopback, with
 * gRPC's defaults (its own executor for service code, as Swivel runs calls on a worker pool), or
 * with {@code directExecutor()} (handlers run on the transport's threads, gRPC's advice for
 * handlers that never block, as a Swivel bundle declaring {@code Swivel-Dispatch: direct}).
 */
public final class GrpcUserServer implements AutoCloseable {

    private final Server server;

    private GrpcUserServer(Server server) {
        this.server = server;
    }

    /**
     * Starts a server.
     *
     * @param host the address to bind
     * @param port the port, 0 for any free one
     * @param direct run handlers with {@code directExecutor()}
     * @return the running server
     * @throws IOException if it cannot bind
     */
    public static GrpcUserServer start(String host, int port, boolean direct) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .addService(new Service());
        if (direct) {
            builder.directExecutor();
        }
        Server server = builder.build().start();
        return new GrpcUserServer(server);
    }

    /** @return the bound port */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    /** The service implementation: the same answers as the Swivel bundle. */
    private static final class Service extends UserServiceGrpc.UserServiceImplBase {

        @Override
        public void existUser(ExistUserRequest request, StreamObserver<BoolReply> response) {
            response.onNext(BoolReply.newBuilder().setValue(UserSamples.exists(request.getEmail())).build());
            response.onCompleted();
        }

        @Override
        public void createUser(User request, StreamObserver<BoolReply> response) {
            response.onNext(BoolReply.newBuilder().setValue(true).build());
            response.onCompleted();
        }

        @Override
        public void getUser(GetUserRequest request, StreamObserver<User> response) {
            response.onNext(GrpcMessages.user(request.getId()));
            response.onCompleted();
        }

        @Override
        public void listUser(ListUserRequest request, StreamObserver<UserPage> response) {
            response.onNext(GrpcMessages.page(request.getPageNo()));
            response.onCompleted();
        }
    }
}
