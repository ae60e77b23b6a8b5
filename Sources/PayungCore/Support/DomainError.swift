/// What kind of failure a domain error is, so that one place (the app's error
/// middleware) can turn it into an HTTP status without knowing every error.
public enum DomainErrorKind: Sendable, Equatable {
    /// The input is wrong; the user can correct it (HTTP 422).
    case invalidInput
    /// The record does not exist or is outside the actor's scope (HTTP 404).
    case notFound
    /// The request conflicts with the current state (HTTP 409).
    case conflict
    /// The actor may not do this (HTTP 403).
    case forbidden
    /// The actor is not authenticated (HTTP 401).
    case unauthenticated
    /// The request itself is malformed (a page number out of bounds, a NIK
    /// in a URL): the client must change how it asks (HTTP 400).
    case badRequest
    /// Too many requests or failed attempts in a while (HTTP 429).
    case tooManyRequests
}

/// An error of the domain: a stable machine code for the API and a message in
/// Bahasa Indonesia for people.
public protocol DomainError: Error, Sendable {
    /// Stable, `snake_case`, never translated; API clients branch on it.
    var code: String { get }
    /// Bahasa Indonesia, shown to users as is.
    var message: String { get }
    var kind: DomainErrorKind { get }
}

extension DomainError {
    public var kind: DomainErrorKind { .invalidInput }
}
