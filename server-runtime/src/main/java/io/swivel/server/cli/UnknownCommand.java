package io.swivel.server.cli;

import java.util.Collection;
import java.util.Optional;

/**
 * The one line for a command that does not exist, as {@code kubectl} and {@code git} say it:
 * the commands there are, and a suggestion only when one is a likely slip of the fingers
 * ({@code stauts} → {@code status}), never the opposite of what was asked ({@code deploy} is
 * not a typo of {@code undeploy}).
 */
final class UnknownCommand {

    private UnknownCommand() {
    }

    /**
     * @param typed what was typed in place of a command
     * @param commands the commands there are
     * @return e.g. {@code unknown command 'stauts'; did you mean 'swivel status'? Commands: ...}
     */
    static String message(String typed, Collection<String> commands) {
        String suggestion = suggestion(typed, commands).map(c -> "; did you mean 'swivel " + c + "'?").orElse(";");
        return "unknown command '" + typed + "'" + suggestion + " the commands are " + String.join(", ", commands)
                + " ('swivel --help' says what each does)";
    }

    /**
     * @param typed what was typed
     * @param commands the commands there are
     * @return the one command within a typo of it: one edit (two for long names), not a prefix away
     */
    static Optional<String> suggestion(String typed, Collection<String> commands) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String command : commands) {
            if (command.endsWith(typed) || typed.endsWith(command)) {
                continue; // "deploy" and "undeploy": a prefix changes the meaning, it is no typo
            }
            int distance = distance(typed, command);
            int allowed = Math.min(typed.length(), command.length()) >= 7 ? 2 : 1;
            if (distance <= allowed && distance < bestDistance) {
                best = command;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Edits between two words: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
