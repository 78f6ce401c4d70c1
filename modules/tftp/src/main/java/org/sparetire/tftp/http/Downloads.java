package org.sparetire.tftp.http;

import java.net.InetAddress;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.policy.FileNames;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.policy.Refusal;
import org.sparetire.tftp.policy.RequestPolicy;
import org.sparetire.tftp.policy.Verdict;
import org.sparetire.tftp.session.Transfer;

/**
 * Decides an HTTP boot request without touching a socket: method, name, file policy, validators and
 * range, in that order. The file is opened through the same {@link RequestPolicy#read} as a TFTP read
 * request, so the jail, symlink policy, virtual roots, remapping and read allowlist are one code path
 * for both transports.
 */
public final class Downloads {
    private Downloads() {
    }

    /** The parts of a request the decision reads; header values are null when absent. */
    public record Request(String method, String target, String range, String ifRange, String ifNoneMatch,
                          String ifModifiedSince, InetAddress client) {
    }

    /** What to answer. Every answer names the file as logged: the client's name, printable ASCII only. */
    public sealed interface Answer permits Send, NotModified, Unsatisfiable, Refused {
        String name();
    }

    /**
     * 200 (whole file) or 206 (one range). The caller owns {@code source} and closes it when the bytes
     * are sent or the connection is gone.
     *
     * @param etag         the strong entity tag, or null when the version is unknown
     * @param lastModified epoch milliseconds, or -1 when unknown
     */
    public record Send(int status, String name, FileSource source, ByteRange range, long size, String etag,
                       long lastModified) implements Answer {
        public boolean partial() {
            return status == 206;
        }
    }

    public record NotModified(String name, String etag, long lastModified) implements Answer {
    }

    /** 416, with {@code Content-Range: bytes }{@code *}{@code /size}. */
    public record Unsatisfiable(String name, long size) implements Answer {
    }

    /**
     * @param message what the client reads (never a server path)
     * @param reason  what the operator reads in the log line
     */
    public record Refused(int status, String name, String message, String reason) implements Answer {
    }

    public static Answer decide(Request r, RequestPolicy policy) {
        boolean head = r.method().equals("HEAD");
        if (!head && !r.method().equals("GET")) {
            return new Refused(405, loggable(r.target()), "method not allowed", r.method() + " is not served");
        }
        String wire = RequestTarget.wireName(r.target()).orElse(null);
        if (wire == null) {
            return new Refused(400, loggable(r.target()), "bad request", "malformed percent escape in the name");
        }
        Verdict<RequestPolicy.ReadGrant> v = policy.read(wire, Mode.OCTET, r.client());
        if (!v.granted()) {
            Refusal why = v.refusal();
            return new Refused(status(why), Transfer.sanitize(FileNames.decode(wire)), why.message(), why.reason());
        }
        FileSource source = v.value().source();
        String name = Transfer.sanitize(v.value().name());
        long size = source.size();
        String etag = Validators.etag(source.version());
        long modified = source.lastModified();
        if (Validators.notModified(r.ifNoneMatch(), r.ifModifiedSince(), etag, modified)) {
            source.close();
            return new NotModified(name, etag, modified);
        }
        ByteRange.Selection selection = Validators.rangeStillValid(r.ifRange(), etag, modified)
                ? ByteRange.select(r.range(), size) : ByteRange.Selection.WHOLE;
        return switch (selection.kind()) {
            case UNSATISFIABLE -> {
                source.close();
                yield new Unsatisfiable(name, size);
            }
            case PART -> new Send(206, name, source, selection.range(), size, etag, modified);
            case WHOLE -> new Send(200, name, source, new ByteRange(0, size - 1), size, etag, modified);
        };
    }

    /** TFTP error 1 is "not found", 2 "access violation"; the rest cannot happen for an octet read. */
    static int status(Refusal r) {
        return switch (r.code()) {
            case 1 -> 404;
            case 2 -> 403;
            default -> 400;
        };
    }

    private static String loggable(String target) {
        return Transfer.sanitize(target);
    }
}
