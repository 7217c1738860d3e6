package io.tkv.perf;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Prints, for each JVM given by pid, every live thread's cumulative allocated heap bytes, exactly: HotSpot counts
 * them per thread (the TLABs it filled plus the used part of the current one, and allocations outside TLABs), and
 * {@link ThreadMXBean#getThreadAllocatedBytes(long[])} reads those counters. Two snapshots around a run give the
 * bytes each thread allocated in between ({@link ThreadAllocDiff}). {@code jcmd PID Thread.print -e} shows the same
 * counter, but rounded to K or M, which is too coarse for a few bytes per operation.
 *
 * <p>It attaches to each JVM (same user), starts its local JMX agent (once; it stays) and reads the counters over
 * it. The agent's own threads ({@code RMI ...}, {@code JMX ...}) and the {@code Attach Listener} allocate while we
 * read: {@link ThreadAllocDiff} leaves them out.
 *
 * <p>usage: {@code ThreadAllocSnapshot PID...}; output, one line per thread:
 * {@code THREAD pid=<pid> tid=<id> bytes=<allocated> name=<thread name, to the end of the line>}.
 */
public final class ThreadAllocSnapshot {
    private ThreadAllocSnapshot() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ThreadAllocSnapshot PID...");
            System.exit(2);
        }
        final StringBuilder out = new StringBuilder();
        for (final String pid : args) {
            snapshot(pid, out);
        }
        System.out.print(out);
    }

    static void snapshot(final String pid, final StringBuilder out) throws Exception {
        final VirtualMachine vm = VirtualMachine.attach(pid);
        final String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            final MBeanServerConnection server = connector.getMBeanServerConnection();
            final ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(server,
                ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            final long[] ids = threads.getAllThreadIds();
            // The counters first, in one call, so that all of them are read at (nearly) one moment; names after.
            final long[] bytes = threads.getThreadAllocatedBytes(ids);
            final ThreadInfo[] infos = threads.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                if (bytes[i] < 0 || infos[i] == null) {
                    continue;   // the thread ended between the two calls
                }
                out.append("THREAD pid=").append(pid).append(" tid=").append(ids[i]).append(" bytes=").append(bytes[i])
                    .append(" name=").append(infos[i].getThreadName().replace('\n', ' ')).append('\n');
            }
        }
    }
}
