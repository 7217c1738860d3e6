package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.PdMembers;
import io.tkv.client.TkvException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code tkv-ctl pd ...}: PD's own commands. */
@Command(name = "pd", description = "PD commands.", subcommands = PdCommand.Members.class)
final class PdCommand {
    /**
     * {@code tkv-ctl pd members}: every PD member with its endpoint, the leader marked, as the member reached sees
     * them: {@code id<TAB>endpoint<TAB>leader|follower}. Exit 0, or 3 if PD could not be reached.
     */
    @Command(name = "members", description = "List PD's members and its leader.")
    static final class Members implements Callable<Integer> {
        @Mixin
        PdOptions pd;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            try (PdClient client = pd.connect()) {
                final PdMembers members = client.members();
                for (final PdMembers.Member member : members.members()) {
                    out.printf("%d\t%s\t%s%n", member.id(), member.endpoint(),
                        member.id() == members.leaderId() ? "leader" : "follower");
                }
                if (members.leaderId() == 0) {
                    out.println("no leader known to member " + members.memberId());
                }
                out.flush();
                return KvCommand.OK;
            } catch (final TkvException | IOException ex) {
                err.println("tkv-ctl: " + ex.getMessage());
                err.flush();
                return KvCommand.FAILED;
            }
        }
    }
}
