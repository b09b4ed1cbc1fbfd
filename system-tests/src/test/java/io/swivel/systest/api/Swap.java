package io.swivel.systest.api;

/** The service of the bundle swapped under load: its answer says which version and in what state served it. */
public interface Swap {

    /**
     * @return {@code v1} or {@code v2} from a started version; anything else reveals a call served by a
     *     version before its activator finished starting, or after it stopped
     */
    String answer();
}
