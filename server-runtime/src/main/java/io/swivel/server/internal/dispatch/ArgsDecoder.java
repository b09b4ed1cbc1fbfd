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

    /**
     * The key of a sticky canary: a hash of the call's encoded arguments, the same for the same
     * arguments. The default, 0, sends every call of a transport that has no body to one side.
     *
     * @return the hash
     */
    default int stickyHash() {
        return 0;
    }

    /**
     * A decoder whose sticky key is the hash of an encoded body.
     *
     * @param body the encoded arguments
     * @param decoder decodes them
     * @return the keyed decoder
     */
    static ArgsDecoder keyed(byte[] body, ArgsDecoder decoder) {
        int hash = java.util.Arrays.hashCode(body);
        return new ArgsDecoder() {
            @Override
            public Object[] decode(BundleGeneration generation, Invoker invoker, DecodeBudget budget) throws Exception {
                return decoder.decode(generation, invoker, budget);
            }

            @Override
            public int stickyHash() {
                return hash;
            }
        };
    }
}
