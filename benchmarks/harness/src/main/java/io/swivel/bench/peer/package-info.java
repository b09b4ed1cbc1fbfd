/** The peers measured side by side, and how their servers are launched and their clients made. */
package io.swivel.bench.peer;
