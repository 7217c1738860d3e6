package io.tkv.server.storepd;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdStore;
import io.tkv.client.RegionHeartbeatReport;
import io.tkv.client.SplitIds;
import io.tkv.client.StoreHeartbeatReport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A PD that records every call and answers as the test says, at once or when the test completes the future. */
final class FakeStorePd implements StorePd {
    final List<String> puts = new ArrayList<>();
    final List<StoreHeartbeatReport> storeHeartbeats = new ArrayList<>();
    final List<RegionHeartbeatReport> regionHeartbeats = new ArrayList<>();
    final List<CompletableFuture<OperatorStep>> regionAnswers = new ArrayList<>();
    final List<long[]> askSplits = new ArrayList<>();
    final List<PdStore> stores = new ArrayList<>();
    int storeLists;
    int putFailuresLeft;
    boolean answerRegionHeartbeats = true;
    OperatorStep nextStep;
    long nextId = 1000;

    @Override
    public CompletableFuture<Void> putStore(final long storeId, final String address, final String labels) {
        puts.add(storeId + " " + address + " " + labels);
        if (putFailuresLeft > 0) {
            putFailuresLeft--;
            return CompletableFuture.failedFuture(new IllegalStateException("PD not ready"));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> storeHeartbeat(final StoreHeartbeatReport report) {
        storeHeartbeats.add(report);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<OperatorStep> regionHeartbeat(final RegionHeartbeatReport report) {
        regionHeartbeats.add(report);
        final CompletableFuture<OperatorStep> answer = new CompletableFuture<>();
        regionAnswers.add(answer);
        if (answerRegionHeartbeats) {
            final OperatorStep step = nextStep;
            nextStep = null;
            answer.complete(step != null ? step : OperatorStep.none(report.storeId()));
        }
        return answer;
    }

    @Override
    public CompletableFuture<SplitIds> askSplit(final long regionId, final long confVer, final long version,
        final int peerCount) {
        askSplits.add(new long[] {regionId, confVer, version, peerCount});
        final long[] peers = new long[peerCount];
        for (int i = 0; i < peerCount; i++) {
            peers[i] = nextId + 1 + i;
        }
        final SplitIds ids = new SplitIds(nextId, peers);
        nextId += peerCount + 1;
        return CompletableFuture.completedFuture(ids);
    }

    @Override
    public CompletableFuture<List<PdStore>> stores(final long storeId) {
        storeLists++;
        return CompletableFuture.completedFuture(List.copyOf(stores));
    }
}
