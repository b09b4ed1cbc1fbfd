package io.swivel.samples.client;

import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.Person;

/**
 * Calls the greeter once and prints the answers.
 *
 * <p>Usage: {@code GreeterClientMain [HOST [PORT [NAME]]]}, defaults {@code 127.0.0.1},
 * {@code 7700} and {@code Ada}.
 */
public final class GreeterClientMain {

    private GreeterClientMain() {
    }

    /**
     * Runs the client.
     *
     * @param args optional host, port and name
     * @throws Exception when the call fails
     */
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7700;
        String name = args.length > 2 ? args[2] : "Ada";

        try (SwivelClient client = SwivelClient.builder().address(host, port).build()) {
            Greeter greeter = client.proxy(Greeter.class);
            System.out.println(greeter.greet(name));
            System.out.println(greeter.welcome(new Person(name, "en")));
        }
    }
}
