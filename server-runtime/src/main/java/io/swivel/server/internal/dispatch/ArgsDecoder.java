package io.swivel.server.internal.dispatch;

import io.swivel.protocol.kryo.DecodeBudget;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;

/**
 * Turns a transport's encoded arguments into objects of the target generation's classes.
 * Runs on the bundle's executor, never on a network thread.
 */
@FunctionalInterface
public interface ArgsDecoder {

    /**
     * Decodes the arguments.
     *
     * @param generation the generation that will run the call
     * @param invoker the method that will be called (its declared parameter types bound the decode)
     * @param budget the bounds of this call's body: objects, hash work, deadline, caller (single use)
     * @return the arguments
     * @throws Exception if they cannot be decoded; the call is answered {@code BAD_REQUEST}
     *     ({@code DEADLINE_EXCEEDED}, or dropped, when the budget stopped it for its deadline or caller)
     */
    Object[] decode(BundleGeneration generation, Invoker invoker, DecodeBudget budget) throws Exception;
}
