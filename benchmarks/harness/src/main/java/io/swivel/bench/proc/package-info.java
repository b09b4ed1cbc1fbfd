/** Child JVMs: how they start, their output, and what jcmd says about them. */
package io.swivel.bench.proc;
