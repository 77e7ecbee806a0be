package dev.books.json;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Documents written through the pooled buffer come out whole and exact, whatever the size hint said and whatever
 * the buffer held before.
 */
class JsonTest {
    @Test
    void documentLargerThanItsSizeHintComesOutWhole() {
        String title = "x".repeat(20_000);

        byte[] json = Json.write(1, generator -> {
            generator.writeStartObject();
            generator.writeStringField("title", title);
            generator.writeEndObject();
        });

        assertThat(new String(json, StandardCharsets.UTF_8), is("{\"title\":\"" + title + "\"}"));
    }

    @Test
    void shortDocumentAfterALongOneHasExactlyItsOwnBytes() {
        for (int i = 0; i < 3; i++) {
            Json.write(16, generator -> generator.writeString("y".repeat(50_000)));
            byte[] json = Json.write(16, generator -> generator.writeNumber(7));

            assertThat(new String(json, StandardCharsets.UTF_8), is("7"));
        }
    }

    @Test
    void lentBufferHoldsTheDocumentInItsFirstBytes() {
        Json.Document document = new Json.Document(4, generator -> generator.writeString("z".repeat(100)));
        String[] lent = new String[1];

        document.lend((buffer, length) -> lent[0] = new String(buffer, 0, length, StandardCharsets.UTF_8));

        assertThat(lent[0], is('"' + "z".repeat(100) + '"'));
        assertThat(new String(document.toBytes(), StandardCharsets.UTF_8), is(lent[0]));
    }

    @Test
    void concurrentDocumentsDoNotMix() throws InterruptedException {
        Thread[] writers = new Thread[8];
        boolean[] exact = new boolean[writers.length];
        for (int w = 0; w < writers.length; w++) {
            int n = w;
            writers[w] = Thread.ofVirtual().start(() -> {
                String text = Integer.toString(n).repeat(5_000 + n);
                boolean all = true;
                for (int i = 0; i < 200; i++) {
                    byte[] json = Json.write(64, generator -> generator.writeString(text));
                    all &= new String(json, StandardCharsets.UTF_8).equals('"' + text + '"');
                }
                exact[n] = all;
            });
        }
        for (Thread writer : writers) {
            writer.join();
        }
        for (boolean each : exact) {
            assertThat(each, is(true));
        }
    }
}
