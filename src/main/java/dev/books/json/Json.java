package dev.books.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.ObjIntConsumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

/** The service's one JSON factory, and writing JSON into bytes. */
public final class Json {
    /**
     * Strict limits on what a client may send; buffers recycled through a shared pool, because the default pool is
     * per thread and every request runs on a new virtual thread.
     */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxNumberLength(64)
                    .maxStringLength(64 * 1024)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    private Json() {}

    public static byte[] write(int sizeHint, Writer writer) {
        return new Document(sizeHint, writer).toBytes();
    }

    /** A JSON document to be written, and how large it is expected to be (in bytes). */
    public record Document(int sizeHint, Writer writer) {
        public byte[] toBytes() {
            byte[][] copy = new byte[1][];
            // Copied before the buffer goes back to the pool, where another request may take it at once.
            lend((bytes, length) -> copy[0] = Arrays.copyOf(bytes, length));
            return copy[0];
        }

        /**
         * Writes the document into a buffer from the factory's pool (not a new one per document) and lends it and
         * its length to {@code use}; the buffer goes back to the pool when {@code use} returns, so it must not keep it.
         */
        public void lend(ObjIntConsumer<byte[]> use) {
            BufferRecycler recycler = FACTORY._getBufferRecycler();
            PooledOutput out =
                    new PooledOutput(recycler.allocByteBuffer(BufferRecycler.BYTE_WRITE_CONCAT_BUFFER, sizeHint));
            try {
                try (JsonGenerator json = FACTORY.createGenerator(out)) {
                    writer.write(json);
                }
                use.accept(out.buffer(), out.size());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                recycler.releaseByteBuffer(BufferRecycler.BYTE_WRITE_CONCAT_BUFFER, out.buffer());
                recycler.releaseToPool();
            }
        }
    }

    /** A {@link ByteArrayOutputStream} over a given (pooled) buffer, grown when a document does not fit. */
    private static final class PooledOutput extends ByteArrayOutputStream {
        PooledOutput(byte[] buffer) {
            super(0);
            buf = buffer;
        }

        byte[] buffer() {
            return buf;
        }
    }

    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator json) throws IOException;
    }
}
