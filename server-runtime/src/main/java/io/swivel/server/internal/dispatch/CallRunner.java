package io.swivel.server.internal.dispatch;

import io.swivel.api.CallRefusedException;
import io.swivel.api.ServerInterceptor;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.DecodeBudget;
import io.swivel.protocol.kryo.DecodeRefusedException;
import io.swivel.protocol.kryo.SerializationException;
import io.swivel.server.internal.ContextLoader;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import io.swivel.server.internal.logging.BundleMdc;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one call that a generation took (it is counted in flight there), on that generation's
 * worker or, for a {@code Swivel-Dispatch: direct} bundle, on the calling I/O thread: checks its
 * deadline, decodes its arguments under the decode budget, checks its caller is still there,
 * invokes it through the interceptors ({@link InterceptorChain}), answers its {@link TrackedCall}
 * with the outcome (at once, or when its future completes) and releases it from the generation.
 * The {@link Dispatcher} describes the outcomes.
 */
final class CallRunner {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** A direct call longer than this is worth a warning: it held up an I/O thread. */
    static final long SLOW_DIRECT_MILLIS = 50;

    private final ServerMetrics metrics;
    private final int maxDecodeObjects;
    private final List<ServerInterceptor> interceptors;

    CallRunner(ServerMetrics metrics, int maxDecodeObjects, List<ServerInterceptor> interceptors) {
        this.metrics = metrics;
        this.maxDecodeObjects = maxDecodeObjects;
        this.interceptors = interceptors;
    }

    /** Runs the call on this (I/O) thread with the bundle's loader and logging context; a slow one is reported. */
    void runDirect(BundleGeneration generation, Invoker invoker, long deadlineNanos, ArgsDecoder decoder,
                   TrackedCall sink) {
        long start = System.nanoTime();
        try (ContextLoader.Scope loader = ContextLoader.use(generation.loader());
             BundleMdc.Scope scope = BundleMdc.open(generation.name(), generation.version())) {
            run(generation, invoker, deadlineNanos, decoder, sink);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (millis > SLOW_DIRECT_MILLIS && generation.reportSlowDirectCallOnce()) {
            log.warn("{} {}: {} ran {} ms on an I/O thread (Swivel-Dispatch: direct), and every connection served by that "
                    + "thread waited for it; remove Swivel-Dispatch: direct from the manifest if its methods can block "
                    + "(reported once per version)", generation.name(), generation.version(), invoker.methodKey(), millis);
        }
    }

    /** Runs the call on this thread and answers it (or has its future answer it); releases it from the generation. */
    void run(BundleGeneration generation, Invoker invoker, long deadlineNanos, ArgsDecoder decoder, TrackedCall sink) {
        sink.started = true;
        boolean invoked = false; // a call refused before its method ran teaches the pace nothing
        long began = 0;
        boolean released = false;
        boolean failed = false;
        try {
            if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
                sink.fail(Status.DEADLINE_EXCEEDED, "deadline passed before " + invoker.methodKey() + " could start");
                return;
            }
            Object[] args = decode(generation, invoker, deadlineNanos, decoder, sink);
            if (args == null) {
                return;
            }
            String mismatch = invoker.checkArguments(args);
            if (mismatch != null) {
                sink.fail(Status.BAD_REQUEST, mismatch);
                return;
            }
            if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
                metrics.decodeRefused("deadline");
                sink.fail(Status.DEADLINE_EXCEEDED, "deadline passed while the arguments of " + invoker.methodKey()
                        + " were decoded");
                return;
            }
            if (!sink.callerPresent()) {
                metrics.callDropped("caller_gone");
                sink.drop();
                return;
            }
            Object result;
            invoked = true;
            began = System.nanoTime();
            try {
                result = InterceptorChain.invoke(interceptors, generation, invoker, args, deadlineNanos, sink.service, sink);
            } catch (CallRefusedException refused) {
                sink.fail(Status.valueOf(refused.status().name()), refused.getMessage());
                return;
            } catch (VirtualMachineError fatal) {
                failed = true;
                sink.fatal(generation, fatal, FatalErrors.Phase.CALL);
                return;
            } catch (Throwable error) {
                failed = invoker.isUnexpected(error);
                sink.appError(error);
                return;
            }
            if (invoker.isAsync()) {
                if (result == null) {
                    sink.fail(Status.INTERNAL, invoker.methodKey() + " returned a null future");
                    return;
                }
                released = true;
                ((CompletableFuture<?>) result).whenComplete((value, error) -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    try {
                        if (cause instanceof VirtualMachineError fatal) {
                            sink.fatal(generation, fatal, FatalErrors.Phase.CALL);
                        } else if (cause instanceof CallRefusedException refused) {
                            sink.fail(Status.valueOf(refused.status().name()), refused.getMessage());
                        } else if (cause != null) {
                            sink.appError(cause);
                        } else {
                            sink.ok(generation, value);
                        }
                    } finally {
                        generation.release(sink, cause != null && !(cause instanceof CallRefusedException)
                                && invoker.isUnexpected(cause));
                    }
                });
                return;
            }
            sink.ok(generation, result);
        } catch (RuntimeException e) {
            failed = true;
            log.error("{}: dispatch of {} failed", generation, invoker.methodKey(), e);
            sink.fail(Status.INTERNAL, "server error in " + invoker.methodKey() + ": " + e);
        } catch (VirtualMachineError fatal) {
            failed = true;
            sink.fatal(generation, fatal, FatalErrors.Phase.DISPATCH);
        } catch (Throwable e) {
            failed = true; // a LinkageError or other Error: the call is still answered, the worker lives on
            log.error("{}: dispatch of {} failed", generation, invoker.methodKey(), e);
            sink.fail(Status.INTERNAL, "server error in " + invoker.methodKey() + ": " + e);
        } finally {
            if (!released) {
                generation.release(sink, failed);
            }
            if (invoked) {
                invoker.pace().ran(System.nanoTime() - began);
            }
        }
    }

    /**
     * Decodes the arguments under the call's budget, or answers the call (or drops it) and
     * returns null.
     */
    private Object[] decode(BundleGeneration generation, Invoker invoker, long deadlineNanos, ArgsDecoder decoder,
                            TrackedCall sink) {
        try {
            return decoder.decode(generation, invoker, DecodeBudget.of(maxDecodeObjects, deadlineNanos, sink::callerPresent));
        } catch (Exception e) {
            DecodeRefusedException refusal = e instanceof SerializationException s ? s.refusal() : null;
            if (refusal != null && refusal.limit() == DecodeRefusedException.Limit.CALLER_GONE) {
                metrics.callDropped("caller_gone");
                sink.drop();
            } else if (refusal != null && refusal.limit() == DecodeRefusedException.Limit.DEADLINE) {
                metrics.decodeRefused("deadline");
                sink.fail(Status.DEADLINE_EXCEEDED, invoker.methodKey() + ": " + e.getMessage());
            } else {
                if (refusal != null) {
                    metrics.decodeRefused(refusal.limit().name().toLowerCase(Locale.ROOT));
                }
                sink.fail(Status.BAD_REQUEST, "cannot decode the arguments of " + invoker.methodKey() + ": " + e.getMessage());
            }
            return null;
        } catch (LinkageError e) {
            // a bundle type that cannot be loaded or initialised is the bundle's fault, not the caller's
            log.error("{}: a type of the arguments of {} cannot be loaded or initialised", generation, invoker.methodKey(), e);
            sink.fail(Status.INTERNAL, "the server cannot decode the arguments of " + invoker.methodKey()
                    + ": a type of bundle " + generation + " cannot be loaded or initialised: " + e);
            return null;
        }
    }
}
