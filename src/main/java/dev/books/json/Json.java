package dev.books.json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

/**
 * The service's one JSON factory, and writing JSON into bytes.
 */
public final class Json {
    /**
     * Strict limits on what a client may send; buffers recycled through a shared pool, because the default pool
     * is per thread and every request runs on a new virtual thread.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxNumberLength(64)
                    .maxStringLength(64 * 1024)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    private Json() {}

    /**
     * Writes a JSON document into bytes of its own.
     *
     * @param sizeHint expected size in bytes
     * @param writer   writes the document to the generator
     * @return UTF-8 JSON
     */
    public static byte[] write(int sizeHint, Writer writer) {
        return new Document(sizeHint, writer).toBytes();
    }

    /**
     * A JSON document to be written: how to write it, and how large it is expected to be.
     *
     * @param sizeHint expected size in bytes
     * @param writer   writes the document to the generator
     */
    public record Document(int sizeHint, Writer writer) {
        /**
         * Writes the document into bytes of its own.
         *
         * @return UTF-8 JSON
         */
        public byte[] toBytes() {
            byte[][] copy = new byte[1][];
            // Copied before the buffer goes back to the pool, where another request may take it at once.
            lend((bytes, length) -> copy[0] = Arrays.copyOf(bytes, length));
            return copy[0];
        }

        /**
         * Writes the document into a buffer from the factory's pool, not a new one per document, and lends the
         * buffer to {@code use}. The buffer goes back to the pool when {@code use} returns: it must not keep it.
         *
         * @param use takes the UTF-8 JSON, the first {@code length} bytes of the buffer
         */
        public void lend(Lent use) {
            BufferRecycler recycler = FACTORY._getBufferRecycler();
            PooledOutput out =
                    new PooledOutput(recycler.allocByteBuffer(BufferRecycler.BYTE_WRITE_CONCAT_BUFFER, sizeHint));
            try {
                try (JsonGenerator json = FACTORY.createGenerator(out)) {
                    writer.write(json);
                }
                use.use(out.buffer, out.count);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                recycler.releaseByteBuffer(BufferRecycler.BYTE_WRITE_CONCAT_BUFFER, out.buffer);
                recycler.releaseToPool();
            }
        }
    }

    /** Bytes written into a given buffer, grown when a document does not fit. */
    private static final class PooledOutput extends OutputStream {
        private byte[] buffer;
        private int count;

        PooledOutput(byte[] buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            ensureRoom(1);
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            ensureRoom(length);
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        }

        private void ensureRoom(int more) {
            if (count + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, count + more));
            }
        }
    }

    /** Uses a document's bytes while they are lent. */
    @FunctionalInterface
    public interface Lent {
        /**
         * Uses the bytes; they are valid only until this returns.
         *
         * @param buffer the document in its first {@code length} bytes
         * @param length the document's length
         */
        void use(byte[] buffer, int length);
    }

    /** Writes a document. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes to the generator.
         *
         * @param json generator
         * @throws IOException never for in-memory output
         */
        void write(JsonGenerator json) throws IOException;
    }
}
