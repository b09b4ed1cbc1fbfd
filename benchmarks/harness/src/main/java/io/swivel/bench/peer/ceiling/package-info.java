/** The bare-Netty ceiling: the same frames and bytes as Swivel, none of the work. */
package io.swivel.bench.peer.ceiling;
