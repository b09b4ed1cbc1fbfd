/** Swivel as a peer: its client, the real server process, its admin API and bundle versions. */
package io.swivel.bench.peer.swivel;
