package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.server.config.Announce;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --advertise-address HOST[:PORT]} as a flag, a {@code SWIVEL_ADVERTISE_ADDRESS} variable and a file key. */
class AdvertiseAddressOptionTest {

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();

    @Test
    void hostAndPortInEveryForm() {
        assertThat(announce("--advertise-address", "swivel-1.example.com:9700"))
                .isEqualTo(Announce.defaults().withAdvertiseAddress("swivel-1.example.com", 9700));
        assertThat(announce("--advertise-address", "203.0.113.7"))
                .isEqualTo(Announce.defaults().withAdvertiseAddress("203.0.113.7", 0));
        assertThat(announce("--advertise-address", "[2001:db8::7]:7700"))
                .isEqualTo(Announce.defaults().withAdvertiseAddress("2001:db8::7", 7700));
        assertThat(announce("--advertise-address", "2001:db8::7"))
                .isEqualTo(Announce.defaults().withAdvertiseAddress("2001:db8::7", 0));
        assertThat(announce()).as("not set: the bound address").isEqualTo(Announce.defaults());
    }

    @Test
    void fromTheEnvironmentAndTheFileBelowTheFlag() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/swivel.conf"), "advertise-address = from-file.example:7000\n");
        assertThat(announce().advertiseHost()).isEqualTo("from-file.example");
        env.put("SWIVEL_ADVERTISE_ADDRESS", "10.0.0.8:7800");
        assertThat(announce()).isEqualTo(Announce.defaults().withAdvertiseAddress("10.0.0.8", 7800));
        assertThat(announce("--advertise-address", "flag.example").advertiseHost()).isEqualTo("flag.example");
    }

    @Test
    void anEmptyValueInTheFileMeansNotSet() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/swivel.conf"), "advertise-address =\n");
        assertThat(announce()).isEqualTo(Announce.defaults());
    }

    @Test
    void aBadValueIsOneLineNamingTheForm() {
        for (String bad : new String[] {"host:0", "host:99999", "host:http", "http://host", "[::1", "[::1]x"}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), env, home,
                    new String[] {"serve", "--advertise-address", bad, "--zookeeper", "none"});
            assertThat(status).as(bad).isNotZero();
            assertThat(err.toString()).as(bad).contains("'" + bad + "' is not HOST[:PORT]")
                    .contains("e.g. swivel-1.example.com, 203.0.113.7:7700 or [2001:db8::7]:7700");
        }
    }

    private Announce announce(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        ServeCommand serve = (ServeCommand) SwivelMain.commandLine(env, home, all).parseArgs(all).subcommand()
                .commandSpec().userObject();
        return serve.serverConfig().announce();
    }
}
