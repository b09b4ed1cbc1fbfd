package io.swivel.client.internal;

import io.swivel.protocol.ResponseFrame;

/**
 * Where the answer of one call goes, once: the response, or why there is none. It replaces a
 * future per layer (connection, endpoint, router) with one call down the chain. The connection
 * calls it on its event loop, or on the caller's thread for a call that failed before it was
 * sent; an implementation must not throw.
 */
@FunctionalInterface
interface AnswerListener {

    /**
     * @param response the response, or null if {@code error} is set
     * @param error why there is no response, or null
     */
    void answered(ResponseFrame response, Throwable error);
}
