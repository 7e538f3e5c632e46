package dev.apiguard.keycloak.audit;

import java.io.PrintStream;
import java.util.List;

/** Writes each record as one JSON line to the server's standard output (container log collectors read it). */
final class StdoutSink implements AuditSink {

    private final PrintStream out;

    StdoutSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "stdout";
    }

    @Override
    public void deliver(List<OutboxRow> rows) {
        synchronized (out) {
            for (OutboxRow row : rows) {
                out.println(row.json());
            }
            out.flush();
        }
    }
}
