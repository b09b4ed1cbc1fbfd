package io.swivel.server.internal.transport;

/** Why the transport refused or closed a connection, stopped reading one, or stopped accepting. */
enum Refusal {
    /** A new connection beyond {@code --max-connections}. */
    MAX_CONNECTIONS("max_connections"),
    /** A new connection beyond {@code --max-connections-per-address}. */
    MAX_CONNECTIONS_PER_ADDRESS("max_connections_per_address"),
    /** No frame for {@code --idle-timeout}. */
    IDLE_TIMEOUT("idle_timeout"),
    /** A frame not complete within {@code --frame-timeout}. */
    FRAME_TIMEOUT("frame_timeout"),
    /** Incomplete frames of all connections past {@code --max-partial-frame-memory}. */
    PARTIAL_FRAME_MEMORY("partial_frame_memory"),
    /** Not {@code swivel/1}. */
    PROTOCOL_ERROR("protocol_error"),
    /** Reads paused: the outbound buffer passed {@code --write-buffer-limit}. */
    WRITE_BUFFER("write_buffer"),
    /** Reads paused: {@code --max-in-flight-per-connection} calls running. */
    IN_FLIGHT("in_flight"),
    /** Accept paused: as many sockets open as the connection limits allow. */
    MAX_SOCKETS("max_sockets"),
    /** Accept paused: file descriptors close to the process limit. */
    FD_RESERVE("fd_reserve"),
    /** Accept paused: accept failed (EMFILE and the like). */
    ACCEPT_ERROR("accept_error"),
    /** Mutual TLS: the client sent no certificate. */
    TLS_NO_CLIENT_CERTIFICATE("tls_no_client_certificate"),
    /** Mutual TLS: the client's certificate is not signed by {@code --tls-client-ca}. */
    TLS_UNTRUSTED_CLIENT_CERTIFICATE("tls_untrusted_client_certificate"),
    /** Mutual TLS: the client's certificate has expired (or is not valid yet). */
    TLS_EXPIRED_CLIENT_CERTIFICATE("tls_expired_client_certificate"),
    /** A client that does not speak TLS on a TLS port. */
    TLS_NOT_TLS("tls_not_tls"),
    /** Any other failed TLS handshake (no common protocol or cipher, the client refused our certificate...). */
    TLS_HANDSHAKE("tls_handshake");

    private final String label;

    Refusal(String label) {
        this.label = label;
    }

    /** @return the metric label value */
    String label() {
        return label;
    }
}
