package io.swivel.server.dispatch;

import io.swivel.server.bundle.BundleGeneration;
import io.swivel.server.bundle.Invoker;

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
     * @param invoker the method that will be called
     * @return the arguments
     * @throws Exception if they cannot be decoded; the call is answered {@code BAD_REQUEST}
     */
    Object[] decode(BundleGeneration generation, Invoker invoker) throws Exception;
}
