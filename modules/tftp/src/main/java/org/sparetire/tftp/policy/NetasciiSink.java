package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.sparetire.tftp.codec.Netascii;
import org.sparetire.tftp.session.BlockSink;

/** Turns a netascii upload back into local line ends on its way to another sink. */
public final class NetasciiSink implements BlockSink {
    private final BlockSink target;
    private final Netascii.Decoder decoder = new Netascii.Decoder();
    private byte[] in = new byte[0];
    private byte[] out = new byte[1];

    public NetasciiSink(BlockSink target) {
        this.target = target;
    }

    @Override
    public void write(ByteBuffer payload) throws IOException {
        int n = payload.remaining();
        if (in.length < n) {
            in = new byte[n];
            out = new byte[n + 1];
        }
        payload.duplicate().get(in, 0, n);
        int m = decoder.decode(in, 0, n, out, 0);
        target.write(ByteBuffer.wrap(out, 0, m));
    }

    @Override
    public void commit() throws IOException {
        int m = decoder.finish(out, 0);
        if (m > 0) {
            target.write(ByteBuffer.wrap(out, 0, m));
        }
        target.commit();
    }

    @Override
    public void abort() {
        target.abort();
    }

    @Override
    public Optional<String> savedAs() {
        return target.savedAs();
    }
}
