package dev.books.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
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
     * Writes a JSON document.
     *
     * @param sizeHint expected size in bytes
     * @param writer   writes the document to the generator
     * @return UTF-8 JSON
     */
    public static byte[] write(int sizeHint, Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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
