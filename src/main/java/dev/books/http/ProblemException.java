package dev.books.http;

import java.io.Serial;

/** Thrown by handlers to answer with a problem; {@link ErrorHandling} sends it. */
public final class ProblemException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        // No stack trace: this is a normal answer, not a failure of the service.
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
