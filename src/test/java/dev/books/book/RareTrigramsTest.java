package dev.books.book;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

class RareTrigramsTest {
    /** 1,000 sampled books: "the" in 400 of them, "garden" in 30, "doctor" in 50, "copper" in 6, "dockyard" in 8. */
    private static final List<String> SAMPLE = sample();

    @Test
    void aPhraseOfRareWordsGetsTheRarestTrigramOfEachAsTheTermWritesIt() {
        List<String> patterns = RareTrigrams.choose("Copper Dockyard", RareTrigrams.Sample.of(SAMPLE, 0));

        // "cop", "opp" and "ppe" occur in the 6 coppers ("per" also in papers); "doc" also in doctors: of the
        // trigrams only in the 8 dockyards, the first.
        assertThat(patterns, contains("%Cop%", "%ock%"));
    }

    @Test
    void commonWordsOneWordShortWordsAndTermsTheSampleContainsKeepTheWholeTerm() {
        RareTrigrams.Sample sample = RareTrigrams.Sample.of(SAMPLE, 0);

        assertThat("common together", RareTrigrams.choose("the garden", sample), is(empty()));
        assertThat("one word", RareTrigrams.choose("dockyard", sample), is(empty()));
        assertThat("one word of three letters or more", RareTrigrams.choose("owl of", sample), is(empty()));
        assertThat(
                "sampled",
                RareTrigrams.choose("copper dockyard", withBook(SAMPLE, "the copper dockyard")),
                is(empty()));
        assertThat(
                "nothing sampled",
                RareTrigrams.choose("Copper Dockyard", RareTrigrams.Sample.of(List.of(), 0)),
                is(empty()));
    }

    @Test
    void wordsAreRunsOfLettersAndDigitsAndTrigramsNeverSeenCountAsRare() {
        RareTrigrams.Sample sample = RareTrigrams.Sample.of(SAMPLE, 0);

        assertThat(RareTrigrams.choose("zzqx-9781 ü", sample), contains("%zzq%", "%978%"));
    }

    @Test
    void theSampleIsTakenOnFirstUseAndAgainWhenItIsTenMinutesOld() {
        AtomicInteger taken = new AtomicInteger();
        AtomicLong now = new AtomicLong(5);
        RareTrigrams trigrams = new RareTrigrams(
                () -> {
                    taken.incrementAndGet();
                    return SAMPLE;
                },
                now::get);

        trigrams.of("copper dockyard");
        now.addAndGet(600_000_000_000L);
        trigrams.of("copper dockyard");
        assertThat(taken.get(), is(1));

        now.incrementAndGet();
        assertThat(trigrams.of("copper dockyard"), contains("%cop%", "%ock%"));
        assertThat(taken.get(), is(2));
    }

    private static List<String> sample() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String title = (i % 5 < 2 ? "the " : "a ") + (i % 100 < 3 ? "garden " : "")
                    + (i % 200 == 7 ? "copper " : "") + (i % 125 == 9 ? "dockyard " : "")
                    + (i % 50 == 1 ? "paper " : "") + (i % 20 == 3 ? "doctor " : "") + "book";
            texts.add(title + "\u0001author");
        }
        return texts;
    }

    private static RareTrigrams.Sample withBook(List<String> texts, String text) {
        List<String> more = new ArrayList<>(texts);
        more.add(text);
        return RareTrigrams.Sample.of(more, 0);
    }
}
