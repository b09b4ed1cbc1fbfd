package io.swivel.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The run's results: every table goes to the console, to {@code summary.md} (markdown) and to a
 * CSV file of its own under the results directory.
 */
public final class Report {

    private final Path dir;
    private final PrintStream console;

    /**
     * Opens a report.
     *
     * @param dir the results directory (created)
     * @param console where tables are printed too
     * @param heading the first lines of summary.md (conditions of the run)
     */
    public Report(Path dir, PrintStream console, String heading) {
        this.dir = dir;
        this.console = console;
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("summary.md"), heading + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @return the results directory */
    public Path dir() {
        return dir;
    }

    /**
     * Adds a table.
     *
     * @param csvName the CSV file's name without extension
     * @param title the section title
     * @param header the column names
     * @param rows the rows
     * @param notes text under the table (may be empty)
     */
    public void table(String csvName, String title, List<String> header, List<List<String>> rows, String notes) {
        StringBuilder md = new StringBuilder("\n## ").append(title).append("\n\n");
        md.append(line(header)).append('\n');
        md.append(line(header.stream().map(h -> "---").toList())).append('\n');
        for (List<String> row : rows) {
            md.append(line(row)).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append('\n').append(notes).append('\n');
        }
        String csv = header.stream().map(Report::csv).collect(Collectors.joining(",")) + "\n"
                + rows.stream().map(r -> r.stream().map(Report::csv).collect(Collectors.joining(",")))
                .collect(Collectors.joining("\n")) + "\n";
        append("summary.md", md.toString());
        write(csvName + ".csv", csv);
        synchronized (console) {
            console.print(md);
            console.flush();
        }
    }

    /**
     * Adds free text to summary.md and the console.
     *
     * @param text markdown
     */
    public void text(String text) {
        append("summary.md", "\n" + text + "\n");
        synchronized (console) {
            console.println(text);
            console.flush();
        }
    }

    /**
     * Writes a file in the results directory.
     *
     * @param name the file name
     * @param content its content
     */
    public void write(String name, String content) {
        try {
            Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private void append(String name, String content) {
        try {
            Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private static String line(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    private static String csv(String cell) {
        return cell.contains(",") || cell.contains("\"") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
