package io.swivel.server.internal.dispatch;

import io.swivel.protocol.Status;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.InFlightCall;
import io.swivel.server.internal.metrics.CallMeters;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's sink that answers once: the first outcome wins, including an early abandon. The
 * answer is counted in the meters of where the call got to (set before it is answered), and
 * timed if the call started on the bundle's executor: an answer given on the event loop only
 * increments a counter. A {@link VirtualMachineError} while the transport encodes an answer
 * (the method returned, or threw) is answered {@code INTERNAL} instead; the call stays counted
 * with the status it first had.
 */
final class TrackedCall implements CallSink, InFlightCall {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final CallSink sink;
    private final FatalErrors fatalErrors;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean answered = new AtomicBoolean();
    volatile CallMeters meters;
    volatile String methodKey = "(unknown method)";
    volatile String service = "(unknown service)";
    volatile BundleGeneration generation;
    volatile boolean started;

    TrackedCall(CallSink sink, CallMeters meters, FatalErrors fatalErrors) {
        this.sink = sink;
        this.meters = meters;
        this.fatalErrors = fatalErrors;
    }

    @Override
    public void ok(BundleGeneration generation, Object result) {
        if (answered.compareAndSet(false, true)) {
            record(Status.OK);
            try {
                sink.ok(generation, result);
            } catch (VirtualMachineError fatal) {
                sink.fail(Status.INTERNAL, fatalErrors.record(generation, methodKey, fatal, FatalErrors.Phase.ANSWER));
            } catch (RuntimeException | LinkageError e) {
                log.error("{}: the answer of {} cannot be encoded", generation, methodKey, e);
                sink.fail(Status.INTERNAL, "the server cannot encode the answer of " + methodKey + ": " + e);
            }
        }
    }

    @Override
    public void appError(Throwable error) {
        if (answered.compareAndSet(false, true)) {
            record(Status.APP_ERROR);
            try {
                sink.appError(error);
            } catch (VirtualMachineError fatal) {
                BundleGeneration ranOn = generation;
                if (ranOn == null) {
                    throw fatal; // only calls that reached a generation report an application error
                }
                sink.fail(Status.INTERNAL, fatalErrors.record(ranOn, methodKey, fatal, FatalErrors.Phase.ANSWER));
            } catch (RuntimeException | LinkageError e) {
                log.error("the application error of {} cannot be encoded", methodKey, e);
                sink.fail(Status.INTERNAL, "the server cannot encode the application error of " + methodKey + ": " + e);
            }
        }
    }

    /**
     * The call ended in a fatal error of the bundle's code: counted and logged, and answered
     * {@code INTERNAL} unless it was answered already (abandoned at an unload).
     */
    void fatal(BundleGeneration ranOn, VirtualMachineError error, FatalErrors.Phase phase) {
        fail(Status.INTERNAL, fatalErrors.record(ranOn, methodKey, error, phase));
    }

    @Override
    public void fail(Status status, String message) {
        if (answered.compareAndSet(false, true)) {
            record(status);
            sink.fail(status, message);
        }
    }

    private void record(Status status) {
        if (started) {
            meters.answered(status, startNanos);
        } else {
            meters.refused(status);
        }
    }

    @Override
    public boolean callerPresent() {
        return sink.callerPresent();
    }

    @Override
    public Map<String, String> metadata() {
        return sink.metadata();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return sink.remoteAddress();
    }

    @Override
    public Principal peerPrincipal() {
        return sink.peerPrincipal();
    }

    /** Nobody waits for this call: it is settled without an answer (counted by the caller of this method). */
    @Override
    public void drop() {
        if (answered.compareAndSet(false, true)) {
            sink.drop();
        }
    }

    @Override
    public void abandon(String message) {
        fail(Status.RELOADING, message);
    }

    @Override
    public long startNanos() {
        return startNanos;
    }
}
