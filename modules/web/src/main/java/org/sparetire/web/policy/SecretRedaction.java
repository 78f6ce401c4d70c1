package org.sparetire.web.policy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparetire.web.AccessToken;

/**
 * Hides secrets in config text before a page shows it: the dashboard token wherever it appears, and the
 * value of any key whose name ends in token, password, secret, passphrase or api-key. Lines are kept, so error positions still point at
 * the right line and column.
 */
public final class SecretRedaction {
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?m)^(\\s*-?\\s*[A-Za-z0-9_-]*(?:token|password|passwd|secret|passphrase|api-key|apikey)\\s*:[ \\t]*)"
                    + "(?![ \\t]*(?:#|$|null[ \\t]*(?:#|$)|~[ \\t]*(?:#|$)))([^\\n#]*?)([ \\t]*(?:#.*)?)$",
            Pattern.CASE_INSENSITIVE);

    private SecretRedaction() {
    }

    public static String redact(String text, Optional<AccessToken> token) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (token.isPresent() && !token.get().reveal().isEmpty()) {
            out = out.replace(token.get().reveal(), AccessToken.REDACTED);
        }
        Matcher m = SECRET_KEY.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = m.group(2);
            String replacement = value.isBlank() || value.equals(AccessToken.REDACTED)
                    || value.equals("\"" + AccessToken.REDACTED + "\"") ? value : AccessToken.REDACTED;
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + replacement + m.group(3)));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
