package org.sparetire.tftp.policy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.Netascii;
import org.sparetire.tftp.session.BlockSink;

/**
 * Everything decided about a request before a transfer starts: who may ask, which file a name means,
 * and where an upload goes. Built once per configuration; in-flight transfers keep the one they started with.
 */
public final class RequestPolicy {
    /** Netascii is translated in memory; text files for devices are small, images are sent as octet. */
    public static final long NETASCII_MAX = 16L << 20;

    private final PathJail jail;
    private final List<Jailed> virtualRoots;
    private final Remapper remapper;
    private final AccessRules access;
    private final UploadInbox inbox;
    private final SharedFiles files;

    private record Jailed(List<Cidr> clients, PathJail jail) {
    }

    /** @param inbox null when uploads are disabled */
    public RequestPolicy(PathJail jail, List<VirtualRoot> virtualRoots, Remapper remapper, AccessRules access,
                         UploadInbox inbox, SharedFiles files) {
        this.jail = jail;
        this.virtualRoots = virtualRoots.stream().map(v -> new Jailed(v.clients(),
                new PathJail(v.root(), jail.symlinks(), jail.caseInsensitive(), jail.maxNameLength()))).toList();
        this.remapper = remapper;
        this.access = access;
        this.inbox = inbox;
        this.files = files;
    }

    /** @param name the name to log (the client's, sanitised), never the server path */
    public record ReadGrant(FileSource source, String name) {
    }

    /** @param maxBytes the most bytes the upload may carry */
    public record WriteGrant(BlockSink sink, String name, long maxBytes, UploadInbox.FileUpload upload) {
    }

    public Verdict<ReadGrant> read(String wireName, Mode mode, InetAddress client) {
        if (mode == Mode.MAIL) {
            return Verdict.refuse(new Refusal(4, "mail mode is not supported", "mail mode requested"));
        }
        if (!access.allows(TransferDirection.READ, client)) {
            return Verdict.refuse(Refusal.accessViolation("client not allowed to read"));
        }
        String name = remapper.apply(FileNames.decode(wireName), client);
        Verdict<BeneathRoot.OpenFile> opened = jailFor(client).openForRead(name);
        if (!opened.granted()) {
            return Verdict.refuse(opened.refusal());
        }
        BeneathRoot.OpenFile file = opened.value();
        if (mode != Mode.NETASCII) {
            return Verdict.grant(new ReadGrant(files.share(file), name));
        }
        try (file) {
            if (file.size() > NETASCII_MAX) {
                return Verdict.refuse(new Refusal(0, "file too large for netascii, use octet",
                        "netascii requested for " + file.size() + " bytes"));
            }
            ByteBuffer local = ByteBuffer.allocate((int) file.size());
            while (local.hasRemaining() && file.channel().read(local, local.position()) > 0) {
                // positional reads until the file ends
            }
            return Verdict.grant(new ReadGrant(new MemorySource(Netascii.toWire(
                    Arrays.copyOf(local.array(), local.position()))), name));
        } catch (IOException e) {
            return Verdict.refuse(new Refusal(2, "access violation", "cannot read: " + e.getClass().getSimpleName()));
        }
    }

    public Verdict<WriteGrant> write(String wireName, Mode mode, InetAddress client, long announcedSize, Instant now) {
        if (mode == Mode.MAIL) {
            return Verdict.refuse(new Refusal(4, "mail mode is not supported", "mail mode requested"));
        }
        if (inbox == null) {
            return Verdict.refuse(Refusal.accessViolation("uploads are disabled"));
        }
        if (!access.allows(TransferDirection.WRITE, client)) {
            return Verdict.refuse(Refusal.accessViolation("client not allowed to write"));
        }
        String name = remapper.apply(FileNames.decode(wireName), client);
        Verdict<UploadInbox.Upload> plan = inbox.plan(name, client, announcedSize, now);
        if (!plan.granted()) {
            return Verdict.refuse(plan.refusal());
        }
        try {
            UploadInbox.FileUpload upload = inbox.open(plan.value());
            BlockSink sink = mode == Mode.NETASCII ? new NetasciiSink(upload) : upload;
            return Verdict.grant(new WriteGrant(sink, plan.value().relativeName(), inbox.maxSize(), upload));
        } catch (IOException e) {
            return Verdict.refuse(new Refusal(0, "upload failed", "cannot create the upload: " + e.getClass().getSimpleName()));
        }
    }

    private PathJail jailFor(InetAddress client) {
        for (Jailed v : virtualRoots) {
            for (Cidr c : v.clients()) {
                if (c.contains(client)) {
                    return v.jail();
                }
            }
        }
        return jail;
    }
}
