package org.sparetire.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.sparetire.testkit.NetNamespace;

/**
 * A real U-Boot (QEMU's arm64 board under TCG, Debian's u-boot-qemu) whose NIC is a tap in a namespace, at
 * its prompt: what its serial console printed, and keys typed into it. Closing stops the VM.
 */
final class UBootConsole implements AutoCloseable {
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");

    private final Process vm;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private final InputStream in;
    private final OutputStream keys;

    private UBootConsole(Process vm) {
        this.vm = vm;
        this.in = vm.getInputStream();
        this.keys = vm.getOutputStream();
    }

    /** Boots U-Boot on the tap, stops its autoboot and waits for the prompt. */
    static UBootConsole boot(NetNamespace ns, String tap) throws IOException, InterruptedException {
        Process vm = new ProcessBuilder("ip", "netns", "exec", ns.name(), "qemu-system-aarch64", "-machine", "virt",
                "-cpu", "cortex-a57", "-m", "256", "-nographic", "-no-reboot", "-bios", UBOOT.toString(),
                "-netdev", "tap,id=n0,ifname=" + tap + ",script=no,downscript=no", "-device", "virtio-net-pci,netdev=n0")
                .redirectErrorStream(true).start();
        UBootConsole console = new UBootConsole(vm);
        console.await("Hit any key to stop autoboot", Duration.ofSeconds(120));
        console.type("\n");
        console.await("=> ", Duration.ofSeconds(20));
        return console;
    }

    /** Reads until the text appears or the limit passes; returns the console so far either way. */
    String await(String text, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int available = in.available();
            if (available > 0) {
                byte[] chunk = new byte[available];
                int n = in.read(chunk);
                seen.write(chunk, 0, Math.max(n, 0));
                if (seen.toString(StandardCharsets.ISO_8859_1).contains(text)) {
                    return seen.toString(StandardCharsets.ISO_8859_1);
                }
            } else {
                Thread.sleep(50);
            }
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.ISO_8859_1));
        keys.flush();
    }

    @Override
    public void close() throws InterruptedException {
        vm.destroyForcibly();
        vm.waitFor(10, TimeUnit.SECONDS);
    }
}
