package org.sparetire.syslog.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6587 framing for one TCP connection. The first byte decides the method for the whole connection:
 * a digit means octet counting (section 3.4.1, {@code MSG-LEN SP SYSLOG-MSG}), anything else means
 * non-transparent framing with LF as the trailer (section 3.4.2), which is what {@code logger --tcp}
 * and most network gear send. Frames may arrive split across reads or several to a read.
 *
 * <p>A count above the maximum frame, a count not followed by SP, or a frame not followed by the next
 * count (the previous count was a lie) throws {@link MalformedPacketException}: the caller closes only
 * that connection. In LF mode an overlong frame is cut at the maximum and marked truncated; the rest of
 * it up to the next LF is discarded, so the connection keeps working.
 */
public final class FrameDecoder {
    /** MSG-LEN = NONZERO-DIGIT *DIGIT; nine digits already exceed any sane frame. */
    private static final int MAX_COUNT_DIGITS = 9;

    public enum Mode { UNDECIDED, OCTET_COUNTING, LF }

    /** One syslog message from the stream; {@code truncated} when an LF frame exceeded the maximum. */
    public record Frame(byte[] data, boolean truncated) {
    }

    private final int maxFrame;
    private Mode mode = Mode.UNDECIDED;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long consumed;
    // octet counting state
    private int count = -1;
    private int countDigits;
    // LF state
    private boolean discarding;

    public FrameDecoder(int maxFrame) {
        if (maxFrame < 1) {
            throw new IllegalArgumentException("maxFrame must be positive");
        }
        this.maxFrame = maxFrame;
    }

    public Mode mode() {
        return mode;
    }

    public List<Frame> feed(byte[] b) throws MalformedPacketException {
        return feed(b, 0, b.length);
    }

    public List<Frame> feed(byte[] b, int off, int len) throws MalformedPacketException {
        List<Frame> frames = new ArrayList<>(4);
        int i = off;
        int end = off + len;
        while (i < end) {
            if (mode == Mode.UNDECIDED) {
                byte c = b[i];
                if (c == '\n' || c == '\r' || c == 0) { // keep-alive blank lines before the first frame
                    i++;
                    consumed++;
                    continue;
                }
                mode = c >= '0' && c <= '9' ? Mode.OCTET_COUNTING : Mode.LF;
            }
            int before = i;
            i = mode == Mode.OCTET_COUNTING ? octets(b, i, end, frames) : lines(b, i, end, frames);
            consumed += i - before;
        }
        return frames;
    }

    /** At end of stream: an unterminated LF frame is still a message; a half octet-counted frame is kept too. */
    public List<Frame> finish() {
        if (pending.size() == 0 || discarding) {
            return List.of();
        }
        byte[] data = pending.toByteArray();
        pending.reset();
        return List.of(new Frame(data, mode == Mode.OCTET_COUNTING));
    }

    /** Bytes of an unfinished frame held between reads. */
    public int buffered() {
        return pending.size();
    }

    private int octets(byte[] b, int i, int end, List<Frame> frames) throws MalformedPacketException {
        int base = i; // stream offset of b[k] is consumed + (k - base)
        if (count < 0) {
            while (i < end) {
                byte c = b[i];
                if (countDigits == 0 && (c == '\n' || c == '\r' || c == 0)) {
                    i++; // some senders end octet-counted frames with LF too; harmless between frames
                    continue;
                }
                if (c == ' ' && countDigits > 0) {
                    count = pendingCount;
                    pendingCount = 0;
                    countDigits = 0;
                    i++;
                    if (count == 0) {
                        // "0 " carries nothing; RFC 6587 forbids it (NONZERO-DIGIT), but it harms no one.
                        count = -1;
                        return i;
                    }
                    break;
                }
                if (c < '0' || c > '9') {
                    // After a complete frame the next byte must start a count; anything else means the
                    // previous count was a lie (or the sender switched framing), and no frame boundary
                    // can be trusted any more.
                    throw new MalformedPacketException(countDigits == 0 ? "expected octet count"
                            : "expected SP after octet count", (int) (consumed + i - base));
                }
                if (++countDigits > MAX_COUNT_DIGITS) {
                    throw new MalformedPacketException("octet count too long", (int) (consumed + i - base));
                }
                pendingCount = pendingCount * 10 + (c - '0');
                if (pendingCount > maxFrame) {
                    throw new MalformedPacketException("octet count exceeds max frame " + maxFrame,
                            (int) (consumed + i - base - countDigits + 1));
                }
                i++;
            }
            if (count < 0) {
                return i;
            }
        }
        if (pending.size() == 0 && end - i >= count) {
            // The whole frame is in this read: one copy, no staging buffer.
            frames.add(new Frame(java.util.Arrays.copyOfRange(b, i, i + count), false));
            i += count;
            count = -1;
            return i;
        }
        int need = count - pending.size();
        int take = Math.min(need, end - i);
        pending.write(b, i, take);
        i += take;
        if (pending.size() == count) {
            frames.add(new Frame(pending.toByteArray(), false));
            pending.reset();
            count = -1;
        }
        return i;
    }

    private int pendingCount;

    private int lines(byte[] b, int i, int end, List<Frame> frames) {
        int lf = i;
        while (lf < end && b[lf] != '\n') {
            lf++;
        }
        if (discarding) {
            if (lf < end) {
                discarding = false;
                return lf + 1;
            }
            return end;
        }
        int room = maxFrame - pending.size();
        int chunk = lf - i;
        if (chunk > room) {
            pending.write(b, i, room);
            frames.add(new Frame(pending.toByteArray(), true));
            pending.reset();
            if (lf < end) {
                return lf + 1;
            }
            discarding = true;
            return end;
        }
        if (lf == end) {
            pending.write(b, i, chunk);
            return end;
        }
        byte[] data;
        if (pending.size() == 0) {
            data = java.util.Arrays.copyOfRange(b, i, lf);
        } else {
            pending.write(b, i, chunk);
            data = pending.toByteArray();
            pending.reset();
        }
        if (data.length > 0 && !(data.length == 1 && data[0] == '\r')) {
            frames.add(new Frame(data, false));
        }
        return lf + 1;
    }
}
