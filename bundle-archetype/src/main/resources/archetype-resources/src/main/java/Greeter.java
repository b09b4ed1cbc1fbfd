package ${package};

/**
 * The service: clients call it through a proxy of this interface (they need this class on their class path).
 */
public interface Greeter {

    /**
     * Greets someone with the configured greeting.
     *
     * @param name who to greet
     * @return for example "Hello, Ada"
     */
    String greet(String name);
}
