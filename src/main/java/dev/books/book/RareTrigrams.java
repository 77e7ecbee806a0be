package dev.books.book;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.books.db.Sql;

/**
 * For a search of several words, two of its trigrams that few books contain. PostgreSQL's trigram index reads the
 * books of every trigram of a term, and most of the 13 of {@code Copper Dockyard} are common ({@code er }, {@code
 * ard}); the two rarest find the few candidates at a fraction of the cost (docs/performance.md). Rare means rare in
 * {@code search_sample} (migration V10): the 1,000 {@code search_text} values of PostgreSQL's own statistics, empty on
 * H2. A wrong guess costs time, never a result: the trigrams are substrings of the term, which is tested as a whole.
 */
final class RareTrigrams {
    /** Used when the sample says at most this share of the books has both trigrams. */
    private static final double MAX_SHARE = 0.001;

    private static final long MAX_AGE_NANOS = Duration.ofMinutes(10).toNanos();
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9]{3,}");

    private final Supplier<List<String>> sampler;
    private final LongSupplier nanoTime;
    private volatile Sample sample;

    /** Samples with the statement {@code search-sample}. */
    RareTrigrams(Sql sql) {
        this(() -> sql.list("search-sample", rs -> row -> row.getString(1)), System::nanoTime);
    }

    RareTrigrams(Supplier<List<String>> sampler, LongSupplier nanoTime) {
        this.sampler = sampler;
        this.nanoTime = nanoTime;
    }

    /** @return two LIKE patterns ({@code %abc%}) as the term writes them, or none: the term is tested as a whole */
    List<String> of(String term) {
        if (words(term).count() < 2) {
            return List.of();
        }
        Sample current = sample;
        if (current == null || nanoTime.getAsLong() - current.takenAt() > MAX_AGE_NANOS) {
            current = Sample.of(sampler.get(), nanoTime.getAsLong()); // racing requests may each take one
            sample = current;
        }
        return choose(term, current);
    }

    static List<String> choose(String term, Sample sample) {
        List<String> two = words(term)
                .map(word -> trigrams(word)
                        .min(Comparator.comparingInt(sample::count))
                        .orElseThrow())
                .distinct()
                .sorted(Comparator.comparingInt(sample::count))
                .limit(2)
                .toList();
        // A trigram never seen counts as half a book. A term the sample holds is common enough that the planner's
        // walk in id order finds a page soon.
        double share = two.stream()
                .mapToDouble(
                        t -> Math.max(sample.count(t), 0.5) / sample.texts().size())
                .reduce(1, (a, b) -> a * b);
        return two.size() == 2 && share <= MAX_SHARE && !sample.contains(term)
                ? two.stream().map(t -> "%" + t + "%").toList()
                : List.of();
    }

    private static Stream<String> words(String text) {
        return WORD.matcher(text).results().map(MatchResult::group);
    }

    private static Stream<String> trigrams(String word) {
        return IntStream.rangeClosed(0, word.length() - 3).mapToObj(i -> word.substring(i, i + 3));
    }

    /** How many of the sampled texts have each trigram. */
    record Sample(List<String> texts, Map<String, Integer> counts, long takenAt) {
        static Sample of(List<String> texts, long takenAt) {
            Map<String, Integer> counts = new HashMap<>();
            texts.forEach(text -> words(text.toLowerCase(Locale.ROOT))
                    .flatMap(RareTrigrams::trigrams)
                    .distinct()
                    .forEach(trigram -> counts.merge(trigram, 1, Integer::sum)));
            return new Sample(List.copyOf(texts), Map.copyOf(counts), takenAt);
        }

        int count(String trigram) {
            return counts.getOrDefault(trigram.toLowerCase(Locale.ROOT), 0);
        }

        boolean contains(String term) {
            String lower = term.toLowerCase(Locale.ROOT);
            return texts.stream().anyMatch(text -> text.contains(lower));
        }
    }
}
