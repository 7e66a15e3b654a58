import Testing
@testable import NAC

@Suite struct LearningCurveTests {
    @Test func csvHeaderAndRows() {
        var curve = LearningCurve(window: 2)
        curve.record(LearnerIteration(completedEpisodes: [.init(totalReward: 10, length: 10, truncated: false),
                                                          .init(totalReward: 20, length: 20, truncated: true)],
                                      environmentSteps: 64, policyUpdates: 1, diagnostics: ["kl": 0.01, "entropy": 0.5]),
                     seconds: 1.5)
        curve.record(LearnerIteration(completedEpisodes: [], environmentSteps: 64, policyUpdates: 1, diagnostics: ["kl": 0.02]),
                     seconds: 2)
        curve.record(LearnerIteration(completedEpisodes: [.init(totalReward: 40, length: 40, truncated: false)],
                                      environmentSteps: 64, policyUpdates: 0, diagnostics: ["kl": 0.25]),
                     seconds: 3)
        let lines = curve.csvText().split(separator: "\n").map(String.init)
        #expect(lines == [
            "episode,steps,return,mean_return,length,truncated,iteration,seconds,entropy,kl",
            "1,64,10,10,10,0,1,1.500,0.5,0.01",
            "2,64,20,15,20,1,1,1.500,0.5,0.01",
            "3,192,40,30,40,0,3,3.000,,0.25",     // window 2: (20 + 40) / 2; entropy not reported
        ])
        #expect(curve.episodes == 3 && curve.totalSteps == 192 && curve.iterations == 3)
        #expect(curve.recentMeanReturn == 30)
    }
}
