package org.sparetire.tftp.policy;

/**
 * Why a request is turned away: the TFTP error to send and a reason for the log.
 *
 * @param code    RFC 1350 error code
 * @param message what the client sees; never a server path
 * @param reason  what the operator sees in the log line; never an absolute server path either
 */
public record Refusal(int code, String message, String reason) {
    public static Refusal notFound() {
        return new Refusal(1, "file not found", "file not found");
    }

    public static Refusal accessViolation(String reason) {
        return new Refusal(2, "access violation", reason);
    }
}
