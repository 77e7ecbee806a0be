package dev.books.db;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admits as many requests to the database at a time as the pool has connections, first come first served, and
 * bounds how long each waits and how long each may hold its connection.
 *
 * <p>Why not leave the waiting to the pool and the time limits to the driver: every request runs on a virtual
 * thread, and there every timed wait (HikariCP's wait for a connection, pgjdbc's socket time-out on each read)
 * schedules and cancels a timer on the JDK's shared delay scheduler, while HikariCP also wakes its connection
 * adder for each waiter. Under load those wake-ups cost more CPU than the statements. Here a request that must
 * wait parks without a timer; one watchdog thread, a few times a second, turns away the waiters whose time is up
 * and aborts the connections held longer than the statement limit (a statement stuck on a dead network).
 *
 * <p>A request admitted here finds a free connection in the pool at once, because there are never more
 * admissions than connections; it waits in the pool only while connections are being replaced (after an outage),
 * and only for the pool's own short time-out.
 */
public final class ConnectionGate implements AutoCloseable {
    private static final Logger LOGGER = System.getLogger(ConnectionGate.class.getName());
    /** How often the watchdog looks; a waiter is turned away at most this late. */
    private static final Duration TICK = Duration.ofMillis(50);

    private final long maxWaitNanos;
    private final long holdLimitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final Set<Admission> admitted = ConcurrentHashMap.newKeySet();
    private int free;
    private ScheduledExecutorService watchdog;

    /**
     * Creates a gate; {@link #start()} starts its watchdog.
     *
     * @param permits   how many requests may use the database at a time (the pool's size)
     * @param maxWait   how long a request waits for admission before it is turned away
     * @param holdLimit how long an admitted request may hold its connection before the connection is aborted
     */
    public ConnectionGate(int permits, Duration maxWait, Duration holdLimit) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be positive: " + permits);
        }
        this.free = permits;
        this.maxWaitNanos = maxWait.toNanos();
        this.holdLimitNanos = holdLimit.toNanos();
    }

    /**
     * Starts the watchdog thread.
     *
     * @return this gate
     */
    public ConnectionGate start() {
        watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("books-db-watchdog").daemon().factory());
        long tick = TICK.toNanos();
        watchdog.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.NANOSECONDS);
        return this;
    }

    /**
     * Waits for admission, in arrival order, then takes a connection from the pool.
     *
     * @param pool where the connection comes from
     * @return the admission with its connection, watched by the hold limit; closing it closes the connection
     *         (back to the pool) and then lets the next request in
     * @throws SQLException when no admission came within the maximum wait (a
     *                      {@link SQLTransientConnectionException}: the database is overloaded or unreachable, the
     *                      service answers 503), or the pool has no connection
     */
    public Admission connect(ConnectionSource pool) throws SQLException {
        Admission admission = enter();
        try {
            admission.use(pool.open());
            return admission;
        } catch (SQLException | RuntimeException e) {
            admission.close();
            throw e;
        }
    }

    /**
     * Waits for admission, in arrival order, without taking a connection. Package-private for tests.
     *
     * @return the admission; closing it lets the next request in
     * @throws SQLTransientConnectionException when no admission came within the maximum wait
     */
    Admission enter() throws SQLTransientConnectionException {
        Waiter waiter;
        lock.lock();
        try {
            if (free > 0) {
                free--;
                return admit();
            }
            waiter = new Waiter(Thread.currentThread(), System.nanoTime() + maxWaitNanos);
            waiters.addLast(waiter);
        } finally {
            lock.unlock();
        }
        // Untimed: the watchdog or a leaving request wakes us. An interrupt does not end the wait (the watchdog
        // bounds it); it is kept for the statement that follows, so that one fails instead of this loop spinning.
        boolean interrupted = false;
        while (waiter.state == Waiter.WAITING) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (waiter.state == Waiter.EXPIRED) {
            throw new SQLTransientConnectionException(
                    "No database connection free within "
                            + Duration.ofNanos(maxWaitNanos).toMillis() + " ms",
                    "08001");
        }
        return admit();
    }

    /**
     * One round of the watchdog, every {@link #TICK}: turns away the waiters whose time is up and aborts
     * connections held too long.
     */
    private void check() {
        long now = System.nanoTime();
        lock.lock();
        try {
            // Everyone waits equally long, so deadlines are in arrival order: only the head can be due.
            Waiter head;
            while ((head = waiters.peekFirst()) != null && now - head.deadline >= 0) {
                waiters.pollFirst();
                head.wake(Waiter.EXPIRED);
            }
        } finally {
            lock.unlock();
        }
        for (Admission admission : admitted) {
            admission.abortIfHeldSince(now - holdLimitNanos);
        }
    }

    /**
     * How many requests wait for admission now.
     *
     * @return waiting requests
     */
    public int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the watchdog and turns away everyone still waiting, so no request waits for a closed pool. */
    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        lock.lock();
        try {
            Waiter waiter;
            while ((waiter = waiters.pollFirst()) != null) {
                waiter.wake(Waiter.EXPIRED);
            }
        } finally {
            lock.unlock();
        }
    }

    private Admission admit() {
        Admission admission = new Admission();
        admitted.add(admission);
        return admission;
    }

    private void leave(Admission admission) {
        admitted.remove(admission);
        lock.lock();
        try {
            Waiter next = waiters.pollFirst();
            if (next == null) {
                free++;
            } else {
                next.wake(Waiter.ADMITTED);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A request waiting for admission. Its state changes only under the gate's lock. */
    private static final class Waiter {
        static final int WAITING = 0;
        static final int ADMITTED = 1;
        static final int EXPIRED = 2;

        private final Thread thread;
        private final long deadline;
        private volatile int state = WAITING;

        Waiter(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        void wake(int newState) {
            state = newState;
            LockSupport.unpark(thread);
        }
    }

    /** Where a connection comes from once a request is admitted: the pool. */
    @FunctionalInterface
    public interface ConnectionSource {
        /**
         * Takes a connection.
         *
         * @return the connection
         * @throws SQLException when there is none
         */
        Connection open() throws SQLException;
    }

    /** The right to use one connection, and that connection; closing it lets the next request in. */
    public final class Admission implements AutoCloseable {
        private volatile Connection connection;
        private volatile long since;
        private volatile boolean watched;
        private boolean closed;

        private Admission() {}

        /**
         * The pooled connection of this admission.
         *
         * @return the connection
         */
        public Connection connection() {
            return connection;
        }

        private void use(Connection pooled) {
            since = System.nanoTime();
            connection = pooled;
            watched = true;
        }

        private void abortIfHeldSince(long limit) {
            Connection held = connection;
            if (watched && since - limit < 0) {
                watched = false;
                LOGGER.log(
                        Level.WARNING,
                        "A statement held its database connection longer than " + Duration.ofNanos(holdLimitNanos)
                                + "; aborting the connection");
                try {
                    held.abort(Runnable::run);
                } catch (SQLException | RuntimeException e) {
                    LOGGER.log(Level.WARNING, "Aborting the connection failed: " + DatabaseErrors.describe(e));
                }
            }
        }

        /**
         * Closes the connection (back to the pool), then lets the next request in: in this order, so that the
         * next one finds it free.
         *
         * @throws SQLException when closing the connection fails; the next request is let in all the same
         */
        @Override
        public void close() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            watched = false;
            try {
                if (connection != null) {
                    connection.close();
                }
            } finally {
                leave(this);
            }
        }
    }
}
