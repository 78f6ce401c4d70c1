package org.sparetire.tftp.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ValidatorsTest {
    static final String TAG = "\"ab-10-5f\"";
    /** Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date, plus 250 ms the header cannot carry. */
    static final long MODIFIED = 784111777_250L;

    @Test
    void datesAreImfFixdateAndReadBack() {
        assertThat(Validators.httpDate(MODIFIED)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(Validators.parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777_000L);
        assertThat(Validators.parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(-1);
        assertThat(Validators.parseHttpDate("yesterday")).isEqualTo(-1);
        assertThat(Validators.etag("ab-10-5f")).isEqualTo(TAG);
        assertThat(Validators.etag("")).isNull();
    }

    @Test
    void ifNoneMatchComparesWeaklyAndWinsOverIfModifiedSince() {
        assertThat(Validators.notModified(TAG, null, TAG, MODIFIED)).isTrue();
        assertThat(Validators.notModified("W/" + TAG, null, TAG, MODIFIED)).isTrue();
        assertThat(Validators.notModified("\"other\", " + TAG, null, TAG, MODIFIED)).isTrue();
        assertThat(Validators.notModified("*", null, TAG, MODIFIED)).isTrue();
        assertThat(Validators.notModified("\"other\"", "Sun, 06 Nov 1994 08:49:37 GMT", TAG, MODIFIED)).isFalse();
    }

    @Test
    void ifModifiedSinceAtSecondResolution() {
        assertThat(Validators.notModified(null, "Sun, 06 Nov 1994 08:49:37 GMT", TAG, MODIFIED)).isTrue();
        assertThat(Validators.notModified(null, "Sun, 06 Nov 1994 08:49:36 GMT", TAG, MODIFIED)).isFalse();
        assertThat(Validators.notModified(null, "Mon, 07 Nov 1994 00:00:00 GMT", TAG, MODIFIED)).isTrue();
        assertThat(Validators.notModified(null, "garbage", TAG, MODIFIED)).isFalse();
        assertThat(Validators.notModified(null, null, TAG, MODIFIED)).isFalse();
    }

    @Test
    void ifRangeNeedsTheSameVersion() {
        assertThat(Validators.rangeStillValid(null, TAG, MODIFIED)).isTrue();
        assertThat(Validators.rangeStillValid(TAG, TAG, MODIFIED)).isTrue();
        assertThat(Validators.rangeStillValid("W/" + TAG, TAG, MODIFIED)).isFalse();
        assertThat(Validators.rangeStillValid("\"old\"", TAG, MODIFIED)).isFalse();
        assertThat(Validators.rangeStillValid("Sun, 06 Nov 1994 08:49:37 GMT", TAG, MODIFIED)).isTrue();
        assertThat(Validators.rangeStillValid("Sun, 06 Nov 1994 08:49:38 GMT", TAG, MODIFIED)).isFalse();
    }
}
