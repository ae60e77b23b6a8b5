import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A fixed-window counter per key (a user, a client address), in memory of
/// this instance: bounded work for the requests it guards. Keys are
/// forgotten when their window ends; the table is capped so a flood of new
/// keys cannot grow memory without bound.
final class RateLimiter: Sendable {
    struct Rule: Sendable {
        /// Events allowed per window.
        let limit: Int
        let window: TimeInterval
    }

    private struct Window { var start: Date; var count: Int }
    private let rule: Rule
    private let maxKeys: Int
    private let windows = NIOLockedValueBox<[String: Window]>([:])

    init(_ rule: Rule, maxKeys: Int = 100_000) {
        self.rule = rule
        self.maxKeys = maxKeys
    }

    /// Seconds until `key` may act again, or nil when it may now. Does not count.
    func retryAfter(_ key: String, now: Date) -> Int? {
        windows.withLockedValue { table in
            guard let w = table[key], now.timeIntervalSince(w.start) < rule.window, w.count >= rule.limit else { return nil }
            return max(1, Int((rule.window - now.timeIntervalSince(w.start)).rounded(.up)))
        }
    }

    /// Counts one event for `key`; returns seconds to wait when it is over the limit.
    @discardableResult
    func hit(_ key: String, now: Date) -> Int? {
        windows.withLockedValue { table in
            if table.count >= maxKeys { table = table.filter { now.timeIntervalSince($0.value.start) < rule.window } }
            var w = table[key] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(w.start) >= rule.window || now < w.start { w = Window(start: now, count: 0) }
            if table.count >= maxKeys, table[key] == nil { return Int(rule.window) }
            w.count += 1
            table[key] = w
            guard w.count > rule.limit else { return nil }
            return max(1, Int((rule.window - now.timeIntervalSince(w.start)).rounded(.up)))
        }
    }

    /// Forgets `key`.
    func reset(_ key: String) {
        windows.withLockedValue { _ = $0.removeValue(forKey: key) }
    }
}

/// The limiters of this instance, made once in `configure`.
struct RateLimiters: Sendable {
    /// Entry checks (`POST /api/v1/proposals/check`) per user: an RT head
    /// checks a handful of people a day; a script probing NIKs stops here.
    let proposalChecks = RateLimiter(.init(limit: 30, window: 60))
    /// Failed logins per client address: generous enough for thirty RT heads
    /// behind one kelurahan's Wi-Fi or a carrier's NAT (each may mistype a
    /// few times), tight enough that guessing passwords across accounts stops.
    let failedLoginsPerAddress = RateLimiter(.init(limit: 100, window: 15 * 60))
    /// Wrong activation codes: per client address, and per account (five
    /// tries in 15 minutes: 48-bit codes cannot be guessed at that rate).
    let failedActivationsPerAddress = RateLimiter(.init(limit: 30, window: 15 * 60))
    let failedActivationsPerUser = RateLimiter(.init(limit: 5, window: 15 * 60))
}

extension Application {
    private struct RateLimitersKey: StorageKey { typealias Value = RateLimiters }

    /// Set once in `configure`, before any request.
    var rateLimiters: RateLimiters {
        get { storage[RateLimitersKey.self]! }
        set { storage[RateLimitersKey.self] = newValue }
    }

    private struct TrustedProxiesKey: StorageKey { typealias Value = Set<String> }

    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed
    /// (`PAYUNG_TRUSTED_PROXIES`); set once in `configure`.
    var trustedProxies: Set<String> {
        get { storage[TrustedProxiesKey.self] ?? [] }
        set { storage[TrustedProxiesKey.self] = newValue }
    }
}

extension Request {
    /// The client's address. `X-Forwarded-For` is believed only when the
    /// connection comes from a configured proxy, and then its last entry
    /// that is not itself a trusted proxy counts (a client can prepend
    /// anything it likes to the header, but not append).
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "?"
        let trusted = application.trustedProxies
        guard trusted.contains(peer), let header = headers.first(name: "X-Forwarded-For") else { return peer }
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trusted.contains($0) }.map { String($0.prefix(64)) } ?? peer
    }
}

