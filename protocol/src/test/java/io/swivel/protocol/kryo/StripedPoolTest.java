package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StripedPoolTest {

    @Test
    void aFreedObjectIsReusedByTheSameThread() {
        AtomicInteger created = new AtomicInteger();
        StripedPool<Object> pool = new StripedPool<>(8, () -> {
            created.incrementAndGet();
            return new Object();
        });
        Object first = pool.obtain();
        pool.free(first);
        assertThat(pool.obtain()).isSameAs(first);
        assertThat(created).hasValue(1);
        assertThat(pool.obtain()).isNotSameAs(first); // the pool is empty again: a new one
        assertThat(created).hasValue(2);
    }

    @Test
    void noObjectIsEverHeldByTwoThreadsAtOnce() throws Exception {
        StripedPool<AtomicBoolean> pool = new StripedPool<>(4, AtomicBoolean::new);
        int threads = 8;
        int rounds = 200_000;
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        AtomicBoolean inUse = pool.obtain();
                        if (!inUse.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        inUse.set(false);
                        pool.free(inUse);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
    }
}
