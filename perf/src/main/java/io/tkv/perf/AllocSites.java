package io.tkv.perf;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a JVM allocates, from a JFR recording's {@code jdk.ObjectAllocationSample} events: each sample carries a
 * weight (the bytes allocated since the thread's previous sample), so the weights add up to an estimate of all
 * bytes allocated. Samples are grouped by their first frame in our code ({@code io.tkv.*}, the caller that made
 * the allocation happen, even when a library allocated); samples without such a frame are grouped by their top
 * frame. Prints the top sites with their share of the sampled weight, the class allocated most there, the frame
 * that allocated it and the thread.
 *
 * <p>A sample's weight counts from the thread's previous sample, so each thread's first sample in a recording
 * carries what the thread allocated before the recording began: it is dropped. So are the samples of the
 * measurement's own threads ({@link ThreadAllocDiff#MEASUREMENT_THREADS}). A thread is sampled when it fills a TLAB,
 * so a store that allocates little needs small TLABs for enough samples (bench-alloc runs them with 4 KiB ones).
 *
 * <p>usage: {@code AllocSites FILE.jfr [top (10)] [ops (0: no per-op figure)]}
 */
public final class AllocSites {
    static final String OUR_PACKAGE = "io.tkv.";
    static final String EVENT = "jdk.ObjectAllocationSample";

    private AllocSites() {
    }

    /** One site's sampled weight and what made it up. */
    static final class Site {
        final String frame;
        long weight;
        long samples;
        final Map<String, Long> classes = new HashMap<>();
        final Map<String, Long> tops = new HashMap<>();
        final Map<String, Long> threads = new HashMap<>();

        Site(final String frame) {
            this.frame = frame;
        }

        void add(final long sampleWeight, final String type, final String top, final String thread) {
            weight += sampleWeight;
            samples++;
            classes.merge(type, sampleWeight, Long::sum);
            tops.merge(top, sampleWeight, Long::sum);
            threads.merge(thread, sampleWeight, Long::sum);
        }
    }

    /** The site of one stack, outermost-last as JFR gives it: the first io.tkv frame, else the top frame. */
    static String siteOf(final List<String> frames) {
        for (final String frame : frames) {
            if (frame.startsWith(OUR_PACKAGE)) {
                return frame;
            }
        }
        return frames.isEmpty() ? "(no stack)" : "(not ours) " + frames.get(0);
    }

    static String frameName(final RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
    }

    /** JFR names arrays by descriptor ({@code [B}, {@code [Ljava.lang.Object;}): as Java writes them. */
    static String javaName(final String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return name;
        }
        final String element = switch (name.substring(dims)) {
            case "B" -> "byte";
            case "C" -> "char";
            case "S" -> "short";
            case "I" -> "int";
            case "J" -> "long";
            case "F" -> "float";
            case "D" -> "double";
            case "Z" -> "boolean";
            default -> name.substring(dims).replaceAll("^L|;$", "");
        };
        return element + "[]".repeat(dims);
    }

    static Map<String, Site> sites(final Path file) throws IOException {
        final Map<String, Site> sites = new HashMap<>();
        final Set<Long> firstSeen = new HashSet<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                final RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals(EVENT)) {
                    continue;
                }
                final RecordedStackTrace stack = event.getStackTrace();
                final List<String> frames = new ArrayList<>();
                if (stack != null) {
                    for (final RecordedFrame frame : stack.getFrames()) {
                        frames.add(frameName(frame));
                    }
                }
                final RecordedThread thread = event.getThread();
                final String threadName = thread == null ? "?" : thread.getJavaName();
                if (thread != null && firstSeen.add(thread.getId())) {
                    continue;   // the weight of a thread's first sample goes back to before the recording
                }
                if (ThreadAllocDiff.MEASUREMENT_THREADS.matcher(threadName).matches()) {
                    continue;
                }
                final String site = siteOf(frames);
                sites.computeIfAbsent(site, Site::new).add(event.getLong("weight"),
                    javaName(event.getClass("objectClass").getName()), frames.isEmpty() ? "?" : frames.get(0),
                    threadName);
            }
        }
        return sites;
    }

    static List<String> report(final Map<String, Site> sites, final int top, final long ops) {
        final long total = sites.values().stream().mapToLong(site -> site.weight).sum();
        final long samples = sites.values().stream().mapToLong(site -> site.samples).sum();
        final List<String> lines = new ArrayList<>();
        lines.add(String.format("SITES samples=%d weight_bytes=%d%s", samples, total,
            ops > 0 ? String.format(" ops=%d weight_per_op=%.1f", ops, total / (double)ops) : ""));
        final List<Site> ranked = sites.values().stream()
            .sorted(Comparator.comparingLong((Site site) -> site.weight).reversed()).limit(top).toList();
        int rank = 1;
        for (final Site site : ranked) {
            lines.add(String.format("SITE rank=%d share=%.1f%% samples=%d weight_bytes=%d%s site=%s class=%s top=%s "
                    + "thread=%s", rank++, 100.0 * site.weight / Math.max(1, total), site.samples, site.weight,
                ops > 0 ? String.format(" b_per_op=%.1f", site.weight / (double)ops) : "", site.frame,
                largest(site.classes), largest(site.tops), largest(site.threads)));
        }
        return lines;
    }

    private static String largest(final Map<String, Long> weights) {
        return weights.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("?")
            .replace(' ', '_');
    }

    public static void main(final String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: AllocSites FILE.jfr [top (10)] [ops]");
            System.exit(2);
        }
        final int top = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final long ops = args.length > 2 ? Long.parseLong(args[2]) : 0;
        report(sites(Path.of(args[0])), top, ops).forEach(System.out::println);
    }
}
