package io.tkv.client;

import java.util.List;

/**
 * The PD members as one member sees them ({@code GetMembers}).
 *
 * @param leaderId the member that member believes leads, 0 if none is known.
 * @param memberId the member that answered.
 * @param members  every member, with its endpoint (host:port).
 */
public record PdMembers(long leaderId, long memberId, List<Member> members) {
    /**
     * One PD member.
     *
     * @param id       its member id.
     * @param endpoint its listen endpoint, host:port.
     */
    public record Member(long id, String endpoint) {
    }

    /** Copies the list. */
    public PdMembers {
        members = List.copyOf(members);
    }

    /** @return the leader's endpoint, or null if no leader is known or it is not among the members. */
    public String leaderEndpoint() {
        for (final Member member : members) {
            if (member.id() == leaderId) {
                return member.endpoint();
            }
        }
        return null;
    }
}
