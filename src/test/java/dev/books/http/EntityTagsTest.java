package dev.books.http;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

class EntityTagsTest {
    @Test
    void absentHeaderIsNull() {
        assertThat(EntityTags.parse(null), is(nullValue()));
    }

    @Test
    void strongComparisonIgnoresWeakTags() {
        EntityTags tags = EntityTags.parse("W/\"3\", \"4\"");

        assertThat(tags.matchesStrongly(3), is(false));
        assertThat(tags.matchesStrongly(4), is(true));
        assertThat(tags.matchesWeakly(3), is(true));
        assertThat(tags.matchesWeakly(5), is(false));
    }

    @Test
    void starMatchesEveryVersion() {
        EntityTags any = EntityTags.parse(" * ");

        assertThat(any.matchesStrongly(7), is(true));
        assertThat(any.matchesWeakly(7), is(true));
        assertThat(any.singleVersion(), is(nullValue()));
    }

    @Test
    void malformedMembersNeverMatch() {
        EntityTags tags = EntityTags.parse("3, \"4, \"");

        assertThat(tags.matchesStrongly(3), is(false));
        assertThat(tags.matchesStrongly(4), is(false));
    }

    @Test
    void singleVersionOnlyForOneStrongNumericTag() {
        assertThat(EntityTags.parse("\"12\"").singleVersion(), is(12));
        assertThat(EntityTags.parse("\"1\", \"2\"").singleVersion(), is(nullValue()));
        assertThat(EntityTags.parse("W/\"1\"").singleVersion(), is(nullValue()));
        assertThat(EntityTags.parse("\"abc\"").singleVersion(), is(nullValue()));
        assertThat(EntityTags.parse("\"0\"").singleVersion(), is(nullValue()));
        assertThat(EntityTags.parse("\"99999999999\"").singleVersion(), is(nullValue()));
    }

    @Test
    void etagIsTheQuotedVersion() {
        assertThat(EntityTags.of(3), is("\"3\""));
    }
}
