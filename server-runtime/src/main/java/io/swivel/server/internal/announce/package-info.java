/**
 * What announces a running server to the outside (ZooKeeper registration, cluster commands):
 * {@link io.swivel.server.internal.announce.ServerListener}s, which see the server only as a
 * {@link io.swivel.server.internal.announce.RunningServer}.
 */
package io.swivel.server.internal.announce;
