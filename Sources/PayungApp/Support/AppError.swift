import PayungCore
import Vapor

/// Errors of the application layer that are not domain rules: a missing
/// record, a malformed path parameter. Same contract as `DomainError`.
struct AppError: DomainError {
    let code: String
    let message: String
    let kind: DomainErrorKind

    static func notFound(_ what: String) -> AppError {
        AppError(code: "not_found", message: "\(what) tidak ditemukan.", kind: .notFound)
    }

    static func invalid(_ code: String, _ message: String) -> AppError {
        AppError(code: code, message: message, kind: .invalidInput)
    }

    /// A malformed request (400): the client must change how it asks.
    static func badRequest(_ code: String, _ message: String) -> AppError {
        AppError(code: code, message: message, kind: .badRequest)
    }
}

/// Too many attempts: 429 with `Retry-After` in seconds.
struct RateLimited: DomainError {
    let code: String
    let message: String
    let retryAfter: Int
    var kind: DomainErrorKind { .tooManyRequests }
}

/// The one error shape of the API: `{"error":{"code":"...","message":"..."}}`.
struct APIErrorBody: Content {
    struct Detail: Content {
        let code: String
        let message: String
    }
    let error: Detail
}

/// An error as users and API clients see it: status, stable code, message in
/// Bahasa Indonesia. Every error the app throws passes through `init(_:)`.
struct PresentedError: Sendable {
    let status: HTTPResponseStatus
    let code: String
    let message: String
    let headers: HTTPHeaders

    init(_ error: any Error) {
        var headers = HTTPHeaders()
        switch error {
        case let limited as RateLimited:
            status = .tooManyRequests
            code = limited.code
            message = limited.message
            headers.replaceOrAdd(name: .retryAfter, value: String(limited.retryAfter))
        case let domain as any DomainError:
            status = domain.kind.status
            code = domain.code
            message = domain.message
        case let decoding as DecodingError:
            status = .badRequest
            code = "invalid_body"
            message = "Data yang dikirim tidak dapat dibaca: \(PresentedError.describe(decoding))."
        case let abort as any AbortError:
            status = abort.status
            headers = abort.headers
            (code, message) = PresentedError.describe(abort.status, reason: abort.reason)
        default:
            status = .internalServerError
            code = "internal_error"
            message = "Terjadi kesalahan di server. Silakan coba lagi atau hubungi admin."
        }
        self.headers = headers
    }

    private static func describe(_ status: HTTPResponseStatus, reason: String) -> (String, String) {
        switch status {
        case .notFound: ("not_found", "Halaman atau data tidak ditemukan.")
        case .unauthorized: ("unauthenticated", "Silakan masuk terlebih dahulu.")
        case .forbidden: ("forbidden", "Anda tidak berwenang melakukan ini.")
        case .methodNotAllowed: ("method_not_allowed", "Metode permintaan tidak didukung untuk alamat ini.")
        case .payloadTooLarge: ("payload_too_large", "Data yang dikirim terlalu besar.")
        case .unsupportedMediaType: ("unsupported_media_type", "Jenis data tidak didukung; kirim JSON.")
        case .tooManyRequests: ("too_many_requests", "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.")
        case .badRequest: ("bad_request", "Permintaan tidak valid: \(reason)")
        case _ where status.code >= 500:
            // Internal details (template errors, driver messages) stay in the log.
            ("internal_error", "Terjadi kesalahan di server. Silakan coba lagi atau hubungi admin.")
        default: ("http_\(status.code)", reason)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "kolom \"\(key.stringValue)\" wajib diisi"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "kolom \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" jenisnya salah"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "bukan JSON yang benar"
                : "kolom \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" tidak valid"
        @unknown default: "format salah"
        }
    }
}

extension DomainErrorKind {
    var status: HTTPResponseStatus {
        switch self {
        case .invalidInput: .unprocessableEntity
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .unauthenticated: .unauthorized
        case .badRequest: .badRequest
        case .tooManyRequests: .tooManyRequests
        }
    }
}
