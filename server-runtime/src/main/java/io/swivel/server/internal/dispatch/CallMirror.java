package io.swivel.server.internal.dispatch;

/**
 * A copy taker beside a bundle's serving versions (a shadow): the dispatcher offers it every
 * call before routing, and it may wrap the call's sink to receive the live answer once the caller
 * has it. It must never block, fail or delay the live call.
 */
public interface CallMirror {

    /**
     * The sink the live call answers to: {@code caller} itself for a call not copied, or a sink
     * that answers {@code caller} first, then hands the answer over for comparison.
     *
     * @param service the service called
     * @param methodKey the method called
     * @param decoder the call's arguments, decoded again for the copy
     * @param caller the live call's sink
     * @return the sink to use
     */
    CallSink tap(String service, String methodKey, ArgsDecoder decoder, CallSink caller);
}
