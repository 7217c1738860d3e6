package io.tkv.server.system;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.tkv.codec.AuthenticateEncoder;
import io.tkv.codec.ChallengeDecoder;
import io.tkv.codec.ConnectEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import org.agrona.CloseHelper;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An attacker who can reach a store's ingress but holds no secret, sending handshakes as fast as the store takes
 * them: Connects naming ever new egress channels (most of them addresses nobody listens on, some its own egress
 * subscriptions, so the store has publications to make and Challenges to send), Authenticates with bad proofs for
 * every Challenge it gets, and Authenticates for handshakes that never existed. Each flood thread has an ingress
 * publication of its own (its own image at the store). A thread sends in a tight loop while the store takes its
 * frames and sleeps 1 ms only when it could neither send nor read anything; its answers to Challenges go on a
 * second publication, so they are not queued behind its own Connects.
 *
 * <p>{@link Remote} runs it in a process of its own at the lowest CPU priority ({@code nice -n 19}), as an attacker
 * on another host: it still sends as fast as the store takes its frames, but with the CPU the store and its clients
 * leave over, so that on a 2-core machine a test measures what the flood costs the store, not the contest for the
 * cores between the attacker's own threads and everyone else's.
 */
final class HandshakeFlooder implements AutoCloseable {
    private static final int INGRESS_STREAM = 1001;
    private static final int EGRESS_STREAM = 1077;
    /** One Connect in this many names one of the flooder's own egress channels. */
    private static final int REAL_EGRESS_EVERY = 8;
    private static final int REAL_EGRESS_PER_THREAD = 4;
    private static final String FLOODING = "flooding";
    private static final String TOTALS = "flooded ";

    private final String aeronDir;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong authenticates = new AtomicLong();
    private final AtomicLong challenges = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param storeEndpoint the store's listen endpoint.
     * @param threadCount   flood threads, each with its own ingress publication.
     */
    HandshakeFlooder(final String storeEndpoint, final int threadCount, final String aeronDir) {
        this.aeronDir = aeronDir;
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(1024 * 1024)
            .ipcTermBufferLength(1024 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        for (int i = 0; i < threadCount; i++) {
            final int base = i * 1_000_000;
            final Thread thread = new Thread(() -> flood(storeEndpoint, base), "handshake-flooder-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    HandshakeFlooder start() {
        threads.forEach(Thread::start);
        return this;
    }

    long connects() {
        return connects.get();
    }

    long authenticates() {
        return authenticates.get();
    }

    /** @return Challenges the store sent to the flooder's own egress channels (each answered with a bad proof). */
    long challenges() {
        return challenges.get();
    }

    private void flood(final String storeEndpoint, final int base) {
        final IdleStrategy idle = new SleepingMillisIdleStrategy(1);
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(512);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final ConnectEncoder connect = new ConnectEncoder();
        final AuthenticateEncoder authenticate = new AuthenticateEncoder();
        final byte[] proof = new byte[32];
        // The answers to Challenges go on a publication of their own, so they do not wait behind the Connects.
        try (ExclusivePublication ingress = aeron.addExclusivePublication(
            "aeron:udp?endpoint=" + storeEndpoint + "|term-length=1m", INGRESS_STREAM);
             ExclusivePublication answers = aeron.addExclusivePublication(
                 "aeron:udp?endpoint=" + storeEndpoint + "|term-length=1m", INGRESS_STREAM)) {
            final List<Subscription> egresses = new ArrayList<>();
            final List<String> egressChannels = new ArrayList<>();
            for (int i = 0; i < REAL_EGRESS_PER_THREAD; i++) {
                final Subscription egress = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", EGRESS_STREAM);
                String resolved;
                while ((resolved = egress.tryResolveChannelEndpointPort()) == null && running) {
                    idle.idle();
                }
                egresses.add(egress);
                egressChannels.add(resolved);
            }
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final ChallengeDecoder challenge = new ChallengeDecoder();
            final FragmentHandler onChallenge = (frame, offset, length, hdr) -> {
                header.wrap(frame, offset);
                if (header.templateId() != ChallengeDecoder.TEMPLATE_ID) {
                    return;
                }
                challenge.wrapAndApplyHeader(frame, offset, header);
                challenges.incrementAndGet();
                ThreadLocalRandom.current().nextBytes(proof);
                if (offer(answers, buffer, authenticate.wrapAndApplyHeader(buffer, 0, headerEncoder)
                    .correlationId(challenge.correlationId() + 1).handshakeId(challenge.handshakeId())
                    .putHmac(proof, 0, proof.length).putClientKey(proof, 0, 0).encodedLength())) {
                    authenticates.incrementAndGet();
                }
            };
            long n = base;
            while (running) {
                int work = 0;
                final String egressChannel = n % REAL_EGRESS_EVERY == 0
                    ? egressChannels.get((int)(n / REAL_EGRESS_EVERY % egressChannels.size())) : bogusChannel(n);
                if (offer(ingress, buffer, connect.wrapAndApplyHeader(buffer, 0, headerEncoder)
                    .correlationId(n).egressStreamId(EGRESS_STREAM).egressChannel(egressChannel)
                    .clientName("flooder").encodedLength())) {
                    connects.incrementAndGet();
                    n++;
                    work++;
                }
                ThreadLocalRandom.current().nextBytes(proof);
                if (offer(ingress, buffer, authenticate.wrapAndApplyHeader(buffer, 0, headerEncoder)
                    .correlationId(n).handshakeId(ThreadLocalRandom.current().nextLong())
                    .putHmac(proof, 0, proof.length).putClientKey(proof, 0, 0).encodedLength())) {
                    authenticates.incrementAndGet();
                    work++;
                }
                for (final Subscription egress : egresses) {
                    work += egress.poll(onChallenge, 16);
                }
                if (work == 0) {
                    idle.idle();
                }
            }
            egresses.forEach(CloseHelper::quietClose);
        }
    }

    /** An egress channel of its own for every n: addresses on loopback where nothing listens. */
    private static String bogusChannel(final long n) {
        return "aeron:udp?endpoint=127.0.0." + (2 + n % 250) + ":" + (10_000 + n / 250 % 50_000);
    }

    private static boolean offer(
        final ExclusivePublication ingress, final ExpandableDirectByteBuffer buffer, final int bodyLength) {
        return ingress.offer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength) > 0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (final Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        CloseHelper.closeAll(aeron, driver);
        StoreProcess.deleteTree(Paths.get(aeronDir));
    }

    /**
     * Runs a flooder until its standard input ends (the test said stop, or went away), printing {@link #FLOODING}
     * once the store takes its Connects and the totals when it stops.
     *
     * @param args the store's endpoint, the number of flood threads, the Aeron directory to use.
     */
    public static void main(final String[] args) throws Exception {
        try (HandshakeFlooder flooder = new HandshakeFlooder(args[0], Integer.parseInt(args[1]), args[2]).start()) {
            while (flooder.connects() == 0) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            System.out.println(FLOODING);
            System.out.flush();
            int read;
            do {
                // The test stops the flood by closing the pipe (or by going away); what it writes means nothing.
                read = System.in.read();
            } while (read >= 0);
            flooder.running = false;
            for (final Thread thread : flooder.threads) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            System.out.println(TOTALS + flooder.connects() + " " + flooder.authenticates() + " "
                + flooder.challenges());
            System.out.flush();
        }
    }

    /** A flooder in a process of its own, at the lowest CPU priority. */
    static final class Remote implements AutoCloseable {
        private final String aeronDir;
        private final Process process;
        private final List<String> output = new ArrayList<>();
        private final CountDownLatch flooding = new CountDownLatch(1);
        private final Thread reader;
        private long[] totals;

        Remote(final String storeEndpoint, final int threadCount) throws IOException {
            aeronDir = "/dev/shm/tkv-flooder-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            final List<String> command = new ArrayList<>(List.of("nice", "-n", "19",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
            for (final String flag : System.getProperty("tkv.test.jvm.flags",
                "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED").trim().split("\\s+")) {
                if (!flag.isEmpty()) {
                    command.add(flag);
                }
            }
            command.addAll(List.of("-Xmx256m", "-cp", StoreProcess.classPath(), HandshakeFlooder.class.getName(),
                storeEndpoint, Integer.toString(threadCount), aeronDir));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            reader = new Thread(this::pump, "flooder-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void pump() {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.equals(FLOODING)) {
                        flooding.countDown();
                    } else if (line.startsWith(TOTALS)) {
                        final String[] parts = line.substring(TOTALS.length()).split(" ");
                        totals = new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                            Long.parseLong(parts[2])};
                    }
                }
            } catch (final IOException ignore) {
                // the process went away
            }
        }

        /** Waits until the store takes the flooder's Connects. */
        void awaitFlooding(final long timeoutMs) throws InterruptedException {
            if (!flooding.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the flooder did not start flooding; its output:\n" + output());
            }
        }

        /**
         * Stops the flood and waits for the process to exit.
         *
         * @return Connects sent, Authenticates sent, Challenges received.
         */
        long[] stop() throws InterruptedException, IOException {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the flooder did not stop; its output:\n" + output());
            }
            reader.join(10_000);
            if (totals == null) {
                throw new IllegalStateException("the flooder printed no totals; its output:\n" + output());
            }
            return totals;
        }

        private String output() {
            synchronized (output) {
                return String.join("\n", output);
            }
        }

        @Override
        public void close() throws InterruptedException {
            try {
                if (process.isAlive()) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            } finally {
                StoreProcess.deleteTree(Paths.get(aeronDir));
            }
        }
    }
}
