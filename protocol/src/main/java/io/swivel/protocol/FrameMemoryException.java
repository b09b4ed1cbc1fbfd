package io.swivel.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * The bytes a connection sent do not fit in the memory its server keeps for frames that have not
 * arrived complete ({@link PartialFrameBudget}): the connection is refused, not the server harmed.
 */
public final class FrameMemoryException extends DecoderException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param held the bytes this connection held already
     * @param arriving the bytes that did not fit
     * @param used the bytes all connections held
     * @param limit the limit for all connections
     */
    public FrameMemoryException(long held, long arriving, long used, long limit) {
        super("partial-frame memory limit: " + arriving + " more bytes on a connection holding " + held
                + " do not fit (" + used + " of " + limit + " bytes held for incomplete frames of all connections)");
    }
}
