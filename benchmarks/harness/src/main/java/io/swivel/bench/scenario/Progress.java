package io.swivel.bench.scenario;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** One line per phase on the console, with the time, so a long run shows where it is. */
public final class Progress {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;

    /**
     * Creates a progress printer.
     *
     * @param out where lines go
     */
    public Progress(PrintStream out) {
        this.out = out;
    }

    /**
     * Prints a line.
     *
     * @param format a {@link String#format} pattern
     * @param args its arguments
     */
    public void say(String format, Object... args) {
        synchronized (out) {
            out.println("[" + LocalTime.now().format(TIME) + "] " + String.format(java.util.Locale.ROOT, format, args));
            out.flush();
        }
    }
}
