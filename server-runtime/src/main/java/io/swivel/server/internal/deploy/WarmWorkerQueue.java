package io.swivel.server.internal.deploy;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The work queue of a bundle version's worker pool: a bounded queue that hands a task to the
 * worker that went idle last, not to the one idle longest. {@link java.util.concurrent.LinkedBlockingQueue}
 * wakes its waiting workers in the order they came, so with 64 workers and a few dozen calls in
 * flight the calls went round the threads, each on one whose stack and caches had gone cold since
 * its last call; handing each call to the most recently idle worker keeps the calls on the threads
 * that are warm, and lets the others time out when they are not needed (docs/BENCHMARKS.md has the
 * measurements, and the two other forms tried).
 *
 * <p>A task offered while a worker waits goes straight to that worker (one wake-up per such task,
 * as a {@link java.util.concurrent.SynchronousQueue} hands off); otherwise it waits in a first-in
 * first-out backlog of at most {@code capacity} tasks, which every worker drains before it waits,
 * and an offer to a full backlog fails (the pool refuses the task). One lock guards the backlog and
 * the waiting workers, so a task never waits in the backlog while a worker waits.
 */
final class WarmWorkerQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {

    /** A worker waiting for a task; {@link #task} is set once, by the offer that wakes it. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile Runnable task;
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> backlog = new ArrayDeque<>();
    /** The waiting workers, the one that came last first. */
    private final ArrayDeque<Waiter> idle = new ArrayDeque<>();
    private boolean handOffsClosed;

    /**
     * @param capacity the most tasks that wait for a worker
     */
    WarmWorkerQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    @Override
    public boolean offer(Runnable task) {
        return offer(task, true);
    }

    /**
     * Hands a task to the worker that went idle last, if one waits and the queue is not
     * {@linkplain #closeHandOffs() closed to hand-offs}.
     *
     * @return false if no worker waits or the queue is closed (the task is not queued)
     */
    boolean handToWaiting(Runnable task) {
        return offer(task, false);
    }

    /** Makes {@link #handToWaiting} refuse from now on (the pool shuts down); {@link #offer} is the pool's to refuse. */
    void closeHandOffs() {
        lock.lock();
        try {
            handOffsClosed = true;
        } finally {
            lock.unlock();
        }
    }

    private boolean offer(Runnable task, boolean queue) {
        Objects.requireNonNull(task, "task");
        Waiter waiter;
        lock.lock();
        try {
            if (!queue && handOffsClosed) {
                return false;
            }
            waiter = idle.pollFirst();
            if (waiter == null) {
                if (!queue || backlog.size() >= capacity) {
                    return false;
                }
                backlog.addLast(task);
                return true;
            }
            waiter.task = task;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(waiter.thread);
        return true;
    }

    @Override
    public Runnable take() throws InterruptedException {
        return await(false, 0L);
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        return await(true, unit.toNanos(timeout));
    }

    /** The next task: the backlog's oldest, or one handed to this worker while it waits. */
    private Runnable await(boolean timed, long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Waiter waiter = new Waiter();
        lock.lock();
        try {
            Runnable queued = backlog.pollFirst();
            if (queued != null || (timed && nanos <= 0L)) {
                return queued;
            }
            idle.addFirst(waiter);
        } finally {
            lock.unlock();
        }
        long deadline = timed ? System.nanoTime() + nanos : 0L;
        boolean interrupted = false;
        Runnable task;
        while ((task = waiter.task) == null) {
            if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    break;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
            if (Thread.interrupted()) {
                interrupted = true;
                break;
            }
        }
        if (task == null) {
            lock.lock();
            try {
                task = waiter.task; // an offer may have chosen this worker before it left
                if (task == null) {
                    idle.removeFirstOccurrence(waiter);
                }
            } finally {
                lock.unlock();
            }
        }
        if (interrupted) {
            if (task == null) {
                throw new InterruptedException();
            }
            Thread.currentThread().interrupt(); // the task is taken; the interrupt stays for the pool to see
        }
        return task;
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /** @return how many workers wait for a task (tests) */
    int waiting() {
        return locked(() -> idle.size());
    }

    @Override
    public Runnable poll() {
        return locked(() -> backlog.pollFirst());
    }

    @Override
    public Runnable peek() {
        return locked(() -> backlog.peekFirst());
    }

    @Override
    public void put(Runnable task) {
        throw new UnsupportedOperationException("a worker queue is bounded and never blocks its caller: use offer");
    }

    @Override
    public boolean offer(Runnable task, long timeout, TimeUnit unit) {
        return offer(task);
    }

    @Override
    public int remainingCapacity() {
        return locked(() -> capacity - backlog.size());
    }

    @Override
    public int size() {
        return locked(() -> backlog.size());
    }

    @Override
    public boolean remove(Object task) {
        return locked(() -> backlog.removeFirstOccurrence(task));
    }

    @Override
    public int drainTo(Collection<? super Runnable> into) {
        return drainTo(into, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Runnable> into, int maxElements) {
        Objects.requireNonNull(into, "into");
        if (into == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        lock.lock();
        try {
            int drained = 0;
            Runnable task;
            while (drained < maxElements && (task = backlog.pollFirst()) != null) {
                into.add(task);
                drained++;
            }
            return drained;
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the backlog; removing through it removes the first occurrence of that task from the queue. */
    @Override
    public Iterator<Runnable> iterator() {
        List<Runnable> snapshot;
        lock.lock();
        try {
            snapshot = new ArrayList<>(backlog);
        } finally {
            lock.unlock();
        }
        Iterator<Runnable> tasks = snapshot.iterator();
        return new Iterator<>() {
            private Runnable last;

            @Override
            public boolean hasNext() {
                return tasks.hasNext();
            }

            @Override
            public Runnable next() {
                last = tasks.next();
                return last;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException("next() first");
                }
                WarmWorkerQueue.this.remove(last);
                last = null;
            }
        };
    }
}
