package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A command that does not exist gets one line: the commands there are, and a suggestion only for a typo. */
class UnknownCommandTest {

    private static final List<String> COMMANDS = List.of("serve", "status", "rollback", "undeploy", "services", "call");

    @Test
    void aTypoGetsTheCommandMeant() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), null, "stauts");
        assertThat(status).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).hasLineCount(1)
                .startsWith("swivel: unknown command 'stauts'; did you mean 'swivel status'? the commands are ")
                .contains("serve").contains("undeploy").endsWith("('swivel --help' says what each does)\n");
    }

    @Test
    void aWordFarFromEveryCommandGetsTheListOnly() {
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), Map.of(), null,
                "frobnicate", "--now");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1).startsWith("swivel: unknown command 'frobnicate'; the commands are ")
                .doesNotContain("did you mean");
    }

    @Test
    void theOppositeOfWhatWasAskedIsNeverSuggested() {
        assertThat(UnknownCommand.suggestion("deploy", COMMANDS)).as("not undeploy").isEmpty();
        assertThat(UnknownCommand.suggestion("deplyo", List.of("deploy", "undeploy"))).hasValue("deploy");
        assertThat(UnknownCommand.suggestion("rolback", COMMANDS)).hasValue("rollback");
        assertThat(UnknownCommand.suggestion("servces", COMMANDS)).hasValue("services");
        assertThat(UnknownCommand.suggestion("sevre", COMMANDS)).as("a swap of neighbours is one edit").hasValue("serve");
        assertThat(UnknownCommand.suggestion("cat", COMMANDS)).isEmpty();
    }

    @Test
    void versionIsTheOneTheServerReports() {
        StringWriter out = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of(), null,
                "--version");
        assertThat(status).isZero();
        assertThat(out.toString()).as("the build's version, not a number written in the code").isEqualTo("swivel 0.1.0-SNAPSHOT\n");
    }
}
