package org.sparetire.dhcp.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.sparetire.dhcp.DhcpConfig.BootClass;
import org.sparetire.dhcp.DhcpConfig.Match;

/**
 * Tries classes in declared order; the first whose every criterion holds wins. Each check also says why
 * it failed, which is what {@code explain} prints.
 */
public final class BootClassifier {
    /** RFC 4578 arch 7 is "EFI BC" and 9 "EFI x86-64", but firmware uses both for x64 UEFI. */
    static int normalizeArch(int arch) {
        return arch == 9 ? 7 : arch;
    }

    private final List<BootClass> classes;

    public BootClassifier(List<BootClass> classes) {
        this.classes = List.copyOf(classes);
    }

    public Optional<BootClass> classify(ClientFacts facts) {
        for (BootClass c : classes) {
            if (mismatch(c.match(), facts) == null) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** One line per class up to and including the one that matched. */
    public List<ClassCheck> explain(ClientFacts facts) {
        List<ClassCheck> out = new ArrayList<>();
        for (BootClass c : classes) {
            String why = mismatch(c.match(), facts);
            out.add(new ClassCheck(c.name(), why == null, why == null ? "matched" : why));
            if (why == null) {
                break;
            }
        }
        return out;
    }

    public record ClassCheck(String className, boolean matched, String reason) {
    }

    /** Null when the match holds, else the first criterion that failed. */
    static String mismatch(Match m, ClientFacts f) {
        if (!m.architectures().isEmpty()) {
            boolean any = f.architectures().stream().anyMatch(a -> m.architectures().stream()
                    .anyMatch(w -> normalizeArch(w) == normalizeArch(a)));
            if (!any) {
                return "arch " + (f.architectures().isEmpty() ? "(none sent)" : f.architectures().toString())
                        + " not in " + m.architectures();
            }
        }
        if (m.vendorClass() != null) {
            String vc = f.vendorClass();
            if (vc == null || !vc.toLowerCase(Locale.ROOT).startsWith(m.vendorClass().toLowerCase(Locale.ROOT))) {
                return "vendor class " + (vc == null ? "(none sent)" : "'" + vc + "'") + " does not start with '"
                        + m.vendorClass() + "'";
            }
        }
        if (m.userClass() != null && f.userClasses().stream().noneMatch(u -> u.equalsIgnoreCase(m.userClass()))) {
            return "user class " + (f.userClasses().isEmpty() ? "(none sent)" : f.userClasses().toString()) + " is not '"
                    + m.userClass() + "'";
        }
        if (m.macPrefix() != null && (f.mac() == null || !f.mac().startsWith(m.macPrefix()))) {
            return "mac " + f.mac() + " does not start with " + m.macPrefix();
        }
        if (m.circuitId() != null) {
            String text = f.circuitId() == null ? null : f.circuitId().text();
            String hex = f.circuitId() == null ? null : f.circuitId().colonHex();
            if (text == null || !(m.circuitId().equals(text) || m.circuitId().equalsIgnoreCase(hex))) {
                return "relay circuit " + (text == null ? "(none sent)" : "'" + text + "'") + " is not '" + m.circuitId()
                        + "'";
            }
        }
        return null;
    }
}
