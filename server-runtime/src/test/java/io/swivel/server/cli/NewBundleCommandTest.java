package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code swivel new bundle} writes the archetype's project from the class path, with its properties filled in. */
class NewBundleCommandTest {

    @TempDir
    Path root;

    record Run(int status, String out, String err) {
    }

    static Run swivel(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void writesTheStarterProjectWithTheNamesFilledIn() throws Exception {
        Path dir = root.resolve("hello-bundle");

        Run run = swivel("new", "bundle", "hello-bundle", "--package", "com.example.hello", "--group-id", "com.example",
                "--dir", dir.toString(), "--swivel-version", "9.9.9");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("Created " + dir + "/: bundle hello-bundle 1.0.0-SNAPSHOT, package "
                + "com.example.hello, built against Swivel 9.9.9")
                .contains("src/main/java/com/example/hello/GreeterService.java")
                .contains("swivel call com.example.hello.Greeter greet");
        String pom = Files.readString(dir.resolve("pom.xml"));
        assertThat(pom).contains("<artifactId>swivel-bundle-parent</artifactId>\n    <version>9.9.9</version>")
                .contains("<groupId>com.example</groupId>").contains("<artifactId>hello-bundle</artifactId>")
                .contains("<version>1.0.0-SNAPSHOT</version>").doesNotContain("${");
        Path sources = dir.resolve("src/main/java/com/example/hello");
        assertThat(sources.resolve("Greeter.java")).content().startsWith("package com.example.hello;\n");
        assertThat(sources.resolve("GreeterService.java")).content().contains("@RpcService(Greeter.class)");
        assertThat(sources.resolve("GreeterActivator.java")).content().contains("setHealthCheck");
        assertThat(dir.resolve("src/test/java/com/example/hello/GreeterIT.java")).content()
                .contains("server.deployBundleUnderTest()");
        assertThat(dir.resolve("src/main/resources/swivel-bundle.properties")).content()
                .contains("hello-bundle.properties").contains("greeting=Hello");
        assertThat(dir.resolve("README.md")).content().startsWith("# hello-bundle\n").doesNotContain("${");
    }

    @Test
    void thePackageAndGroupDefaultFromTheName() throws Exception {
        Path dir = root.resolve("orders");

        Run run = swivel("new", "bundle", "order-service.v2", "--dir", dir.toString(), "--swivel-version", "1.0");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(dir.resolve("src/main/java/com/example/orderservicev2/Greeter.java")).exists();
        assertThat(dir.resolve("pom.xml")).content().contains("<groupId>com.example.orderservicev2</groupId>");
    }

    @Test
    void refusesAnExistingDirectoryABadNameAndABadPackageInOneLine() throws Exception {
        Path existing = Files.createDirectories(root.resolve("taken"));

        Run taken = swivel("new", "bundle", "taken", "--dir", existing.toString(), "--swivel-version", "1.0");
        Run badName = swivel("new", "bundle", "no/slashes", "--dir", root.resolve("x").toString(),
                "--swivel-version", "1.0");
        Run badPackage = swivel("new", "bundle", "ok", "--package", "com.example.class", "--dir",
                root.resolve("y").toString(), "--swivel-version", "1.0");

        assertThat(taken.status()).isEqualTo(1);
        assertThat(taken.err()).isEqualTo("swivel: " + existing + " already exists; choose another NAME or --dir, "
                + "or remove it" + System.lineSeparator());
        assertThat(badName.status()).isEqualTo(1);
        assertThat(badName.err()).startsWith("swivel: NAME 'no/slashes' is not a valid bundle name");
        assertThat(badPackage.status()).isEqualTo(1);
        assertThat(badPackage.err()).startsWith("swivel: --package 'com.example.class' is not a Java package name");
        assertThat(root.resolve("x")).doesNotExist();
        assertThat(root.resolve("y")).doesNotExist();
    }

    @Test
    void refusesABadGroupIdAndABadSwivelVersionInOneLine() {
        Run badGroup = swivel("new", "bundle", "ok", "--group-id", "com.example</groupId><x>", "--dir",
                root.resolve("g").toString(), "--swivel-version", "1.0");
        Run emptyGroup = swivel("new", "bundle", "ok", "--group-id", "", "--dir", root.resolve("e").toString(),
                "--swivel-version", "1.0");
        Run badSwivel = swivel("new", "bundle", "ok", "--dir", root.resolve("s").toString(),
                "--swivel-version", "1.0 <evil>");

        assertThat(badGroup.status()).isEqualTo(1);
        assertThat(badGroup.err()).isEqualTo("swivel: --group-id 'com.example</groupId><x>' is not a valid Maven groupId: "
                + "letters, digits, '.', '_' and '-', at most 200 characters, e.g. com.example" + System.lineSeparator());
        assertThat(emptyGroup.status()).isEqualTo(1);
        assertThat(emptyGroup.err()).startsWith("swivel: --group-id '' is not a valid Maven groupId");
        assertThat(badSwivel.status()).isEqualTo(1);
        assertThat(badSwivel.err()).isEqualTo("swivel: --swivel-version '1.0 <evil>' is not a valid version: letters, "
                + "digits, '.', '_' and '-', starting with a letter or digit, e.g. 0.1.0" + System.lineSeparator());
        assertThat(root.resolve("g")).doesNotExist();
        assertThat(root.resolve("e")).doesNotExist();
        assertThat(root.resolve("s")).doesNotExist();
    }

    @Test
    void fillReplacesOnlyTheKnownProperties() {
        assertThat(BundleStarter.fill("a ${package} ${project.version} ${x", java.util.Map.of("package", "p")))
                .isEqualTo("a p ${project.version} ${x");
    }
}
