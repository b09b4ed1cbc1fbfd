package io.swivel.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code swivel} command line: {@code serve}, {@code status}, {@code rollback}, {@code undeploy}, {@code services} and {@code call}. */
@Command(name = "swivel", mixinStandardHelpOptions = true, version = "swivel 0.1.0",
        description = "Swivel, a hot-reloading RPC application server.",
        subcommands = {ServeCommand.class, StatusCommand.class, RollbackCommand.class, UndeployCommand.class,
            ServicesCommand.class, CallCommand.class})
public final class SwivelMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit status: 0 on success, 1 on failure, 2 on bad usage
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new SwivelMain());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            String message = error instanceof CliException ? error.getMessage() : error.toString();
            line.getErr().println("swivel: " + message);
            line.getErr().flush();
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
