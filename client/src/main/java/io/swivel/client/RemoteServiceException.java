package io.swivel.client;

import io.swivel.protocol.Status;

/**
 * The service threw an exception ({@link Status#APP_ERROR}). Carries the remote exception's
 * class name, message and stack trace as text; the remote exception itself is never
 * deserialized.
 */
public final class RemoteServiceException extends SwivelException {

    private static final long serialVersionUID = 1L;

    private final String remoteType;
    private final String remoteMessage;
    private final String remoteStack;

    /**
     * Creates the exception.
     *
     * @param service the service called
     * @param methodKey the method called
     * @param remoteType the remote exception's class name
     * @param remoteMessage its message
     * @param remoteStack its stack trace as text
     */
    public RemoteServiceException(String service, String methodKey, String remoteType, String remoteMessage,
                                  String remoteStack) {
        super(Status.APP_ERROR, service + "#" + methodKey + " threw " + remoteType
                + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage), null);
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        this.remoteStack = remoteStack;
    }

    /**
     * The binary class name of the exception the service threw.
     *
     * @return the class name
     */
    public String remoteType() {
        return remoteType;
    }

    /**
     * The message of the exception the service threw.
     *
     * @return the message, "" when it had none
     */
    public String remoteMessage() {
        return remoteMessage;
    }

    /**
     * The server-side stack trace.
     *
     * @return the stack trace as text
     */
    public String remoteStack() {
        return remoteStack;
    }
}
