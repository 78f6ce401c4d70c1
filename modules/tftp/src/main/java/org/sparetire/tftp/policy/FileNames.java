package org.sparetire.tftp.policy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Optional;

/** Checks on a requested name that do not depend on any directory. */
public final class FileNames {
    private FileNames() {
    }

    /**
     * The name as this host spells it: the codec carries raw bytes as ISO-8859-1; bytes that form valid
     * UTF-8 are read as UTF-8 (what Linux file names use), anything else stays byte-for-byte.
     */
    public static String decode(String wire) {
        byte[] bytes = wire.getBytes(ISO_8859_1);
        try {
            return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return wire;
        }
    }

    /**
     * Reduces a requested name to a clean relative path ("a/b/c"), or says why it cannot be one: control
     * characters (NUL included), over-long names, {@code ..} segments, drive letters and UNC prefixes are
     * refused; a leading {@code /} means the root; empty and {@code .} segments are dropped.
     */
    public static Verdict<String> relativize(String name, int maxLength) {
        if (name.length() > maxLength) {
            return Verdict.refuse(Refusal.accessViolation("name longer than " + maxLength + " characters"));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Verdict.refuse(Refusal.accessViolation("control character in name"));
            }
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
            return Verdict.refuse(Refusal.accessViolation("drive letter in name"));
        }
        StringBuilder out = new StringBuilder(name.length());
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                return Verdict.refuse(Refusal.accessViolation("'..' in name"));
            }
            if (segment.indexOf('\\') >= 0 && (segment.equals("..\\") || segment.startsWith("..\\")
                    || segment.endsWith("\\..") || segment.contains("\\..\\"))) {
                // With backslash translation off, "..\" is still a traversal attempt on a Windows host.
                return Verdict.refuse(Refusal.accessViolation("'..' in name"));
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment);
        }
        if (out.length() == 0) {
            return Verdict.refuse(Refusal.accessViolation("no file name"));
        }
        return Verdict.grant(out.toString());
    }

    /** The extension including the dot, lower-cased, or empty. */
    public static Optional<String> extension(String relative) {
        int slash = relative.lastIndexOf('/');
        int dot = relative.lastIndexOf('.');
        return dot > slash + 1 ? Optional.of(relative.substring(dot).toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
    }
}
