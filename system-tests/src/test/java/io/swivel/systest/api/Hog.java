package io.swivel.systest.api;

/** A service with a method that really runs the heap out. */
public interface Hog {

    /**
     * Keeps allocating {@code chunkMiB} MiB arrays, holding every one, until the heap is full: it
     * ends in a real {@link OutOfMemoryError}.
     *
     * @param chunkMiB the size of each allocation
     * @return never, on a bounded heap
     */
    String exhaustHeap(int chunkMiB);

    /** @return "pong" */
    String ping();
}
