package io.swivel.client.internal;

import io.netty.util.concurrent.EventExecutorGroup;
import io.swivel.client.SwivelException;
import io.swivel.client.balance.LoadBalancer;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Sends one call to a server picked by the proxy's balancer and fails over: a call that could
 * not be sent (connect failure), or that the server refused before running it ({@code RELOADING},
 * {@code OVERLOADED}), goes to another server; a call that may have run (the connection dropped
 * after sending) is retried only if its method is {@code @Idempotent}. Retries are bounded by
 * the attempt count, the call's deadline and the {@link RetryBudget}. A server that cannot be
 * reached is ejected for a while, then probed again by the next call that picks it.
 */
final class CallRouter {

    /** How long a server that refused connections is left out. */
    static final long EJECT_MILLIS = 2000;
    private static final long SAME_SERVER_BACKOFF_MILLIS = 25;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CallRouter.class);

    private final EndpointSource source;
    private final int maxAttempts;
    private final RetryBudget budget = new RetryBudget();
    private final EventExecutorGroup timers;

    CallRouter(EndpointSource source, int maxAttempts, EventExecutorGroup timers) {
        this.source = source;
        this.maxAttempts = maxAttempts;
        this.timers = timers;
    }

    /** One call as the proxy describes it. */
    record Call(String service, String methodKey, String versionConstraint, long timeoutMillis,
                java.util.Map<String, String> metadata, byte[] body, Object firstArgument, boolean idempotent,
                LoadBalancer balancer) {
    }

    CompletableFuture<ResponseFrame> send(Call call) {
        CompletableFuture<ResponseFrame> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(call.timeoutMillis());
        attempt(call, deadline, 1, new HashSet<>(), result);
        return result;
    }

    private void attempt(Call call, long deadline, int number, Set<ServerEndpoint> tried,
                         CompletableFuture<ResponseFrame> result) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            result.completeExceptionally(new SwivelException(Status.DEADLINE_EXCEEDED, call.service() + "#"
                    + call.methodKey() + " ran out of time after " + (number - 1) + " attempt(s)", null));
            return;
        }
        List<ServerEndpoint> all = source.endpoints(call.service(), call.versionConstraint());
        if (all.isEmpty()) {
            result.completeExceptionally(new SwivelException(Status.NOT_FOUND, "no server "
                    + (call.versionConstraint().isEmpty() ? "" : "with version " + call.versionConstraint() + " ")
                    + "serves " + call.service() + " (" + source.describe() + ")", null));
            return;
        }
        ServerEndpoint endpoint = (ServerEndpoint) call.balancer().pick(usable(all, tried), call.firstArgument());
        tried.add(endpoint);
        endpoint.send(call.service(), call.methodKey(), call.versionConstraint(), left, call.metadata(), call.body(),
                (response, error) -> answered(call, deadline, number, tried, result, all, endpoint, response, error));
    }

    /**
     * The answer of one attempt (on the event loop, or on the caller's thread for a call that could not
     * be sent): the result, a retry, or the failure. What goes wrong here fails the call, not the connection.
     */
    private void answered(Call call, long deadline, int number, Set<ServerEndpoint> tried,
                          CompletableFuture<ResponseFrame> result, List<ServerEndpoint> all, ServerEndpoint endpoint,
                          ResponseFrame response, Throwable error) {
        try {
            route(call, deadline, number, tried, result, all, endpoint, response, error);
        } catch (RuntimeException | Error e) {
            if (!result.completeExceptionally(e)) {
                log.warn("{}#{}: failed after its result was given", call.service(), call.methodKey(), e);
            }
        }
    }

    private void route(Call call, long deadline, int number, Set<ServerEndpoint> tried,
                       CompletableFuture<ResponseFrame> result, List<ServerEndpoint> all, ServerEndpoint endpoint,
                       ResponseFrame response, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause == null) {
            Status status = response.status();
            boolean refused = status == Status.RELOADING || status == Status.OVERLOADED;
            if (refused && mayRetry(number, deadline)) {
                retry(call, deadline, number, tried, result, all);
                return;
            }
            if (!refused) {
                budget.succeeded(); // a refusal, even the last one, earns no retries back
            }
            result.complete(response);
        } else if (cause instanceof ServerEndpoint.ConnectFailedException) {
            endpoint.eject(EJECT_MILLIS);
            if (mayRetry(number, deadline)) {
                retry(call, deadline, number, tried, result, all);
            } else {
                result.completeExceptionally(cause);
            }
        } else if (cause instanceof SwivelException swivel && swivel.status() == Status.DEADLINE_EXCEEDED) {
            result.completeExceptionally(new SwivelException(Status.DEADLINE_EXCEEDED, call.service() + "#"
                    + call.methodKey() + " got no answer within its deadline of " + call.timeoutMillis()
                    + " ms (attempt " + number + ", on " + endpoint.id() + "): " + cause.getMessage(), cause));
        } else if (call.idempotent() && mayRetry(number, deadline)) {
            retry(call, deadline, number, tried, result, all);
        } else {
            String why = call.idempotent() ? "no retry left" : call.methodKey() + " is not @Idempotent, so it is not "
                    + "retried: it may have run";
            result.completeExceptionally(new SwivelException(null, call.service() + "#" + call.methodKey() + " failed on "
                    + endpoint.id() + ": " + cause.getMessage() + " (" + why + ")", cause));
        }
    }

    /** Fresh, healthy servers first; then any not tried; then anything. */
    private static List<ServerEndpoint> usable(List<ServerEndpoint> all, Set<ServerEndpoint> tried) {
        List<ServerEndpoint> fresh = new ArrayList<>();
        for (ServerEndpoint endpoint : all) {
            if (!tried.contains(endpoint) && !endpoint.isEjected() && !endpoint.isGoingAway()) {
                fresh.add(endpoint);
            }
        }
        if (!fresh.isEmpty()) {
            return fresh;
        }
        List<ServerEndpoint> untried = new ArrayList<>();
        for (ServerEndpoint endpoint : all) {
            if (!tried.contains(endpoint) && !endpoint.isGoingAway()) {
                untried.add(endpoint);
            }
        }
        return untried.isEmpty() ? all : untried;
    }

    private boolean mayRetry(int number, long deadline) {
        return number < maxAttempts && System.nanoTime() - deadline < 0 && budget.tryRetry();
    }

    private void retry(Call call, long deadline, int number, Set<ServerEndpoint> tried,
                       CompletableFuture<ResponseFrame> result, List<ServerEndpoint> all) {
        boolean sameServerAgain = tried.containsAll(all);
        if (sameServerAgain) {
            // nowhere else to go (one server, in the middle of a swap, say): give it a moment
            tried.clear();
            timers.schedule(() -> attempt(call, deadline, number + 1, tried, result),
                    SAME_SERVER_BACKOFF_MILLIS * number, TimeUnit.MILLISECONDS);
        } else {
            attempt(call, deadline, number + 1, tried, result);
        }
    }
}
