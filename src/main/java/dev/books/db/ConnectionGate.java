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
 * bounds how long each waits and how long each holds its connection. Waiters park without a timer (on virtual
 * threads every timed wait costs a timer on the JDK's delay scheduler: docs/design.md); one watchdog thread expires
 * them and aborts connections held too long.
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

    /** A gate for {@code permits} requests at a time (the pool's size); {@link #start()} starts its watchdog. */
    public ConnectionGate(int permits, Duration maxWait, Duration holdLimit) {
        this.free = permits;
        this.maxWaitNanos = maxWait.toNanos();
        this.holdLimitNanos = holdLimit.toNanos();
    }

    /** @return this gate, with its watchdog started */
    public ConnectionGate start() {
        watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("books-db-watchdog").daemon().factory());
        long tick = TICK.toNanos();
        watchdog.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.NANOSECONDS);
        return this;
    }

    /** Waits for admission in arrival order (else a {@link SQLTransientConnectionException}), then connects. */
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

    /** Waits for admission without taking a connection (tests). */
    Admission enter() throws SQLTransientConnectionException {
        Waiter waiter;
        lock.lock();
        try {
            if (free > 0) {
                free--;
                return new Admission();
            }
            waiter = new Waiter(System.nanoTime() + maxWaitNanos);
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
        return new Admission();
    }

    /** Every {@link #TICK}: turns away the waiters whose time is up, aborts connections held too long. */
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

    /** @return how many requests wait for admission now */
    public int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the watchdog and turns away everyone waiting, so no request waits for a closed pool. */
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

        private final Thread thread = Thread.currentThread();
        private final long deadline;
        private volatile int state = WAITING;

        Waiter(long deadline) {
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
        Connection open() throws SQLException;
    }

    /** The right to use one connection, and that connection; closing it lets the next request in. */
    public final class Admission implements AutoCloseable {
        private volatile Connection connection;
        private volatile long since;
        private volatile boolean watched;
        private boolean closed;

        private Admission() {
            admitted.add(this);
        }

        /** @return the pooled connection of this admission */
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
                LOGGER.log(Level.WARNING, "Aborting a connection held longer than " + Duration.ofNanos(holdLimitNanos));
                try {
                    held.abort(Runnable::run);
                } catch (SQLException | RuntimeException e) {
                    LOGGER.log(Level.WARNING, "Aborting the connection failed: " + DatabaseErrors.describe(e));
                }
            }
        }

        /** Returns the connection to the pool, then lets the next request in, which so finds it free. */
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
