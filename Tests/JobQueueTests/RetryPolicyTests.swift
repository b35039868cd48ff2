import JobQueue
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("delays double from the base up to the cap, with bounded jitter")
    func exponentialWithJitter() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(60), jitter: 0.1)
        #expect(policy.delay(afterAttempt: 1, random: 0) == .seconds(1))
        #expect(policy.delay(afterAttempt: 4, random: 0) == .seconds(8))
        #expect(policy.delay(afterAttempt: 30, random: 0) == .seconds(60))
        #expect(nearly(policy.delay(afterAttempt: 2, random: 1), .milliseconds(2200)))
        #expect(nearly(policy.delay(afterAttempt: 2, random: -1), .milliseconds(1800)))
        for _ in 0..<100 {
            let delay = policy.delay(afterAttempt: 3)
            #expect(delay >= .milliseconds(3600) && delay <= .milliseconds(4400))
        }
    }
}

/// Equal to within a microsecond: jitter is computed in floating point.
private func nearly(_ a: Duration, _ b: Duration) -> Bool {
    a - b < .microseconds(1) && b - a < .microseconds(1)
}
