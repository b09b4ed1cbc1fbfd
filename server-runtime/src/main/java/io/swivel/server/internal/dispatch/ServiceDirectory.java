package io.swivel.server.internal.dispatch;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which bundle generation serves each service. Each bundle has one {@link BundleSlot} whose
 * active generation is swapped with a single volatile write, so every service of a bundle
 * switches at once; the service-to-slot map is rebuilt copy-on-write when bundles come or go.
 */
public final class ServiceDirectory {

    private final Map<String, BundleSlot> bundles = new ConcurrentHashMap<>();
    private volatile Map<String, BundleSlot> byService = Map.of();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /**
     * Adds a listener told after every change of what serves (under the directory's lock:
     * it must only hand the work to another thread).
     *
     * @param listener the listener
     */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * The generation serving a service now.
     *
     * @param service the service name
     * @return the active generation, or null if no bundle serves it
     */
    public BundleGeneration find(String service) {
        BundleSlot slot = byService.get(service);
        return slot != null ? slot.active() : null;
    }

    /**
     * The slot of the bundle serving a service, for the version-selection step of a call.
     *
     * @param service the service name
     * @return the slot, or null if no bundle serves it
     */
    public BundleSlot slotOf(String service) {
        return byService.get(service);
    }

    /**
     * Sets or ends a bundle's canary: a second active version taking a share of its calls.
     * The stable version keeps serving the rest, and what is registered is told.
     *
     * @param bundle the bundle name
     * @param split the canary and its weight, or null to send every call to the stable version
     * @throws IllegalStateException if the bundle does not serve here
     */
    public synchronized void split(String bundle, CanarySplit split) {
        BundleSlot slot = bundles.get(bundle);
        if (slot == null || slot.active() == null) {
            if (split == null) {
                return;
            }
            throw new IllegalStateException("bundle " + bundle + " does not serve here: a canary needs a stable version");
        }
        slot.split(split);
        listeners.forEach(Runnable::run);
    }

    /**
     * Sets or ends (null) a bundle's shadow: copies of its calls go to {@code mirror} as well.
     * A shadow does not change what is served or registered.
     *
     * @param bundle the bundle name
     * @param mirror the shadow, or null
     * @throws IllegalStateException if the bundle does not serve here and a shadow is set
     */
    public synchronized void mirror(String bundle, CallMirror mirror) {
        BundleSlot slot = bundles.get(bundle);
        if (slot == null || slot.active() == null) {
            if (mirror == null) {
                return;
            }
            throw new IllegalStateException("bundle " + bundle + " does not serve here: a shadow needs a version serving");
        }
        slot.mirror(mirror);
    }

    /**
     * The slot of a bundle.
     *
     * @param bundle the bundle name
     * @return the slot, or null
     */
    public BundleSlot slot(String bundle) {
        return bundles.get(bundle);
    }

    /**
     * All bundle slots.
     *
     * @return the slots, sorted by bundle name
     */
    public List<BundleSlot> slots() {
        return bundles.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /**
     * The names of all services served, for messages.
     *
     * @return sorted service names
     */
    public List<String> serviceNames() {
        return List.copyOf(new TreeSet<>(byService.keySet()));
    }

    /**
     * Makes a generation serve: a new bundle, or the next version of a bundle that serves
     * from the same jar. The switch is one volatile write; the caller drains and unloads the
     * generation returned.
     *
     * @param generation a started generation
     * @return the generation it replaces, or null
     * @throws ServiceConflictException if the bundle serves from another jar, or another bundle
     *     already serves one of its services
     */
    public synchronized BundleGeneration activate(BundleGeneration generation) throws ServiceConflictException {
        Objects.requireNonNull(generation, "generation");
        BundleSlot existing = bundles.get(generation.name());
        BundleGeneration previous = existing != null ? existing.active() : null;
        if (previous != null && !previous.descriptor().source().equals(generation.descriptor().source())) {
            throw new ServiceConflictException("bundle " + generation.name() + " already serves version "
                    + previous.version() + " from " + previous.descriptor().source().getFileName()
                    + "; a bundle lives in one jar: replace that jar to upgrade");
        }
        for (String service : generation.services().keySet()) {
            BundleSlot owner = byService.get(service);
            if (owner != null && !owner.name().equals(generation.name())) {
                throw new ServiceConflictException("service " + service + " is already served by bundle "
                        + owner.name() + (owner.active() != null ? " " + owner.active().version() : "")
                        + "; undeploy that bundle first or rename the service");
            }
        }
        BundleSlot slot = bundles.computeIfAbsent(generation.name(), BundleSlot::new);
        slot.activate(generation);
        rebuild();
        return previous;
    }

    /**
     * Removes a bundle: its services stop resolving at once.
     *
     * @param bundle the bundle name
     * @return the generation that was active, or null
     */
    public synchronized BundleGeneration remove(String bundle) {
        BundleSlot slot = bundles.remove(bundle);
        rebuild();
        return slot != null ? slot.active() : null;
    }

    private void rebuild() {
        rebuildIndex();
        listeners.forEach(Runnable::run);
    }

    private void rebuildIndex() {
        Map<String, BundleSlot> next = new HashMap<>();
        for (BundleSlot slot : bundles.values()) {
            BundleGeneration active = slot.active();
            if (active != null) {
                for (String service : active.services().keySet()) {
                    next.put(service, slot);
                }
            }
        }
        byService = Map.copyOf(next);
    }
}
