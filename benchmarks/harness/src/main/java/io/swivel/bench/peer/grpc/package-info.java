/** gRPC-java as a peer: protobuf messages, server and client stubs. */
package io.swivel.bench.peer.grpc;
