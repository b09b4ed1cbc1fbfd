package io.swivel.bench.peer.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.swivel.bench.grpc.proto.ExistUserRequest;
import io.swivel.bench.grpc.proto.GetUserRequest;
import io.swivel.bench.grpc.proto.ListUserRequest;
import io.swivel.bench.grpc.proto.UserServiceGrpc;
import io.swivel.bench.workload.Op;
import io.swivel.bench.workload.UserCalls;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The workload through gRPC stubs on one shared {@link ManagedChannel} (gRPC's normal
 * configuration: one HTTP/2 connection multiplexing every call, as Swivel's client multiplexes
 * one connection per server). Blocking stubs for blocking calls, async stubs otherwise; the same
 * 5 s deadline as Swivel's default.
 */
public final class GrpcCalls implements UserCalls {

    private static final long DEADLINE_MILLIS = 5000;

    private final ManagedChannel channel;
    private final UserServiceGrpc.UserServiceBlockingStub blocking;
    private final UserServiceGrpc.UserServiceStub async;

    /**
     * Opens a channel to one server.
     *
     * @param host the server's host
     * @param port its port
     */
    public GrpcCalls(String host, int port) {
        this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        this.blocking = UserServiceGrpc.newBlockingStub(channel);
        this.async = UserServiceGrpc.newStub(channel);
        // Connect now (name resolution, TCP, HTTP/2 settings), with a generous limit for a busy
        // machine, so the first measured call does not carry the set-up against its 5 s deadline.
        blocking.withDeadlineAfter(60, TimeUnit.SECONDS).existUser(ExistUserRequest.newBuilder().setEmail("0").build());
    }

    @Override
    public Object call(Op op, long seq) {
        UserServiceGrpc.UserServiceBlockingStub stub = blocking.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        return switch (op) {
            case EXIST_USER -> stub.existUser(ExistUserRequest.newBuilder().setEmail(String.valueOf(seq)).build()).getValue();
            case CREATE_USER -> stub.createUser(GrpcMessages.user(seq)).getValue();
            case GET_USER -> stub.getUser(GetUserRequest.newBuilder().setId(seq).build());
            case LIST_USER -> stub.listUser(ListUserRequest.newBuilder().setPageNo((int) seq).build());
        };
    }

    @Override
    public CompletableFuture<?> callAsync(Op op, long seq) {
        UserServiceGrpc.UserServiceStub stub = async.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        switch (op) {
            case EXIST_USER: {
                Answer<io.swivel.bench.grpc.proto.BoolReply> answer = new Answer<>();
                stub.existUser(ExistUserRequest.newBuilder().setEmail(String.valueOf(seq)).build(), answer);
                return answer.future;
            }
            case CREATE_USER: {
                Answer<io.swivel.bench.grpc.proto.BoolReply> answer = new Answer<>();
                stub.createUser(GrpcMessages.user(seq), answer);
                return answer.future;
            }
            case GET_USER: {
                Answer<io.swivel.bench.grpc.proto.User> answer = new Answer<>();
                stub.getUser(GetUserRequest.newBuilder().setId(seq).build(), answer);
                return answer.future;
            }
            case LIST_USER: {
                Answer<io.swivel.bench.grpc.proto.UserPage> answer = new Answer<>();
                stub.listUser(ListUserRequest.newBuilder().setPageNo((int) seq).build(), answer);
                return answer.future;
            }
            default:
                throw new IllegalArgumentException(op.toString());
        }
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(10, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }

    /** A unary answer as a future. */
    private static final class Answer<T> implements StreamObserver<T> {

        final CompletableFuture<T> future = new CompletableFuture<>();
        private T value;

        @Override
        public void onNext(T next) {
            value = next;
        }

        @Override
        public void onError(Throwable error) {
            future.completeExceptionally(error);
        }

        @Override
        public void onCompleted() {
            future.complete(value);
        }
    }
}
