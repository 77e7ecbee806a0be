package dev.books.http;

import java.io.Serial;

/**
 * Thrown by request handlers to answer with a problem; {@link ErrorHandling} sends it.
 */
public final class ProblemException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    /**
     * Creates the exception.
     *
     * @param problem the answer to send
     */
    public ProblemException(Problem problem) {
        // No stack trace: this is a normal answer, not a failure of the service.
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    /**
     * The answer to send.
     *
     * @return the problem
     */
    public Problem problem() {
        return problem;
    }
}
