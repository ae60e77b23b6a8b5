import Foundation
import PayungCore
import Vapor

/// How the `payung` executable ends: a message on standard error and a
/// non-zero status, never a stack of framework noise for a user mistake.
public enum PayungExit {
    public static func report(_ error: any Error, logger: Logger) -> Int32 {
        switch error {
        case let status as ExitStatus:
            return status.code
        case let failure as CommandFailure:
            FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
        case let refused as RegionImporter.Refused:
            FileHandle.standardError.write(Data("error: \(refused.description)\n".utf8))
        case let problem as RegionFileProblem:
            FileHandle.standardError.write(Data("error: \(problem.description)\n".utf8))
        case let domain as any DomainError:
            FileHandle.standardError.write(Data("error: \(domain.message) [\(domain.code)]\n".utf8))
        case let config as ConfigurationError:
            FileHandle.standardError.write(Data("error: \(config.description)\n".utf8))
        default:
            FileHandle.standardError.write(Data("error: \(String(describing: error))\n".utf8))
        }
        return error is ExitStatus ? 1 : 2
    }
}
