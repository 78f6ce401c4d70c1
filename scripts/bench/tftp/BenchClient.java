import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.sparetire.tftp.client.TftpClient;
import org.sparetire.tftp.codec.Mode;

/**
 * The built-in client for the benchmark: BenchClient HOST PORT get|put FILE LOCAL BLKSIZE WINDOW REPEATS.
 * Runs the transfer REPEATS times in one JVM and prints each transfer's own time in ms, so JVM start-up
 * and JIT warm-up are visible separately from the protocol.
 */
public final class BenchClient {
    public static void main(String[] a) throws Exception {
        InetSocketAddress server = new InetSocketAddress(a[0], Integer.parseInt(a[1]));
        TftpClient client = new TftpClient();
        TftpClient.Options o = TftpClient.Options.defaults().withBlksize(Integer.parseInt(a[5]))
                .withWindowsize(Integer.parseInt(a[6])).withTsize(true).withMode(Mode.OCTET)
                .withTimeout(Duration.ofSeconds(1), false);
        int repeats = Integer.parseInt(a[7]);
        for (int i = 0; i < repeats; i++) {
            TftpClient.Result r = a[2].equals("get") ? client.get(server, a[3], Path.of(a[4]), o)
                    : client.put(server, Path.of(a[4]), a[3], o);
            System.out.println(r.elapsed().toNanos() / 1e6 + " " + r.bytes() + " " + r.retransmits());
        }
    }
}
