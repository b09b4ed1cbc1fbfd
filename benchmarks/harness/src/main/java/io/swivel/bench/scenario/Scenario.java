package io.swivel.bench.scenario;

/** One thing the harness measures, writing its tables to the report. */
public interface Scenario {

    /** @return the name used by {@code --scenarios} */
    String name();

    /**
     * Runs the scenario.
     *
     * @param context settings, launcher, report and progress
     * @throws Exception if it cannot complete; the run reports it and goes on with the next scenario
     */
    void run(Context context) throws Exception;
}
