package io.swivel.server.cli;

import io.swivel.server.internal.rollout.RolloutRecord;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** How a rollout record is printed: {@code swivel rollout status} and the table a rollout ends with. */
final class RolloutTable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private RolloutTable() {
    }

    static String time(long epochMillis) {
        return epochMillis <= 0 ? "-" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The header, then one line per server of the plan. */
    static void print(PrintWriter out, RolloutRecord record, String lockHolder) {
        out.printf("rollout %s: %s %s (sha256 %s) from %s, batch %s%s, %s%n", record.id(), record.bundle(),
                record.version(), record.sha256(), record.jar(), record.batch(),
                record.canary() != null ? ", canary " + record.canary() : "",
                record.undo() ? "undo on failure" : "no undo");
        out.printf("state: %s since %s, by %s%s%n", record.state(), time(record.updatedAt()), record.by(),
                record.message() != null ? ": " + record.message() : "");
        if (record.state() == RolloutRecord.State.RUNNING) {
            out.println(lockHolder != null ? "running: " + lockHolder + " runs it"
                    : "stopped: no CLI runs it (killed?); 'swivel rollout resume " + record.id()
                            + "' continues it, 'swivel rollout abort " + record.id() + "' undoes it");
        }
        out.printf("%-5s %-24s %-12s %-11s %-20s %s%n", "BATCH", "SERVER", "BEFORE", "OUTCOME", "AT", "DETAIL");
        List<List<String>> batches = record.batches();
        for (int i = 0; i < batches.size(); i++) {
            for (String server : batches.get(i)) {
                RolloutRecord.Step step = record.step(server);
                out.printf("%-5d %-24s %-12s %-11s %-20s %s%n", i + 1, server, step.before() != null ? step.before() : "-",
                        step.outcome(), time(step.at()), step.message() != null ? step.message() : "");
            }
        }
        out.flush();
    }

    /** One line per rollout, newest first. */
    static void list(PrintWriter out, List<RolloutRecord> records) {
        out.printf("%-36s %-10s %-14s %-10s %-8s %-20s %s%n", "ID", "STATE", "BUNDLE", "VERSION", "UPDATED", "STARTED", "BY");
        for (RolloutRecord record : records) {
            out.printf("%-36s %-10s %-14s %-10s %-8s %-20s %s%n", record.id(), record.state(), record.bundle(),
                    record.version(), record.count(RolloutRecord.Outcome.UPDATED) + "/" + record.servers().size(),
                    time(record.startedAt()), record.by());
        }
        out.flush();
    }
}
