package io.swivel.server.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;

/**
 * What makes the JVM binders' meters pass {@code promtool check metrics}, set on the registry
 * before anything binds to it:
 * <ul>
 *   <li>{@code system.cpu.count} (a gauge printed {@code system_cpu_count}, a suffix reserved for
 *       histograms) is published as {@code system_cpus};</li>
 *   <li>{@code process.cpu.time} (in nanoseconds: {@code process_cpu_time_ns_total}, an abbreviated
 *       unit) is replaced by {@code process_cpu_seconds_total}, the name Prometheus' own clients use;</li>
 *   <li>meters bound without a description (Netty's {@code netty_allocator_memory_used}) get one.</li>
 * </ul>
 */
final class PromtoolNames {

    static final String CPUS = "system.cpus";
    static final String PROCESS_CPU = "process.cpu";

    /** Help texts for meters whose binder registers none. */
    private static final Map<String, String> HELP = Map.of(
            "netty.allocator.memory.used", "Bytes of memory held by Netty's default buffer allocator, by id and type (heap, direct)",
            "netty.allocator.memory.pinned", "Bytes of memory of Netty's default buffer allocator in use by buffers, by id and type");

    private PromtoolNames() {
    }

    /**
     * Installs the renames and the missing help texts.
     *
     * @param registry a registry no meter is bound to yet
     */
    static void configure(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String name = id.getName().equals("system.cpu.count") ? CPUS : id.getName();
                String description = id.getDescription() == null || id.getDescription().isBlank()
                        ? HELP.getOrDefault(id.getName(), id.getDescription()) : id.getDescription();
                if (name.equals(id.getName()) && java.util.Objects.equals(description, id.getDescription())) {
                    return id;
                }
                return new Meter.Id(name, io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                        description, id.getType());
            }
        });
    }

    /**
     * Publishes {@code process_cpu_seconds_total}, the CPU time of this JVM, when the JDK tells it.
     *
     * @param registry the registry
     */
    static void bindProcessCpu(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean jdk) {
            FunctionCounter.builder(PROCESS_CPU, jdk, bean -> bean.getProcessCpuTime() / 1e9)
                    .description("CPU time used by the Java virtual machine process")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }
}
