// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Payung",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "payung", targets: ["payung"]),
        .library(name: "PayungCore", targets: ["PayungCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "PayungCore",
            path: "Sources/PayungCore"
        ),
        .target(
            name: "PayungApp",
            dependencies: [
                "PayungCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Sources/PayungApp"
        ),
        .executableTarget(
            name: "payung",
            dependencies: ["PayungApp"],
            path: "Sources/payung"
        ),
        .executableTarget(
            name: "payung-bench",
            dependencies: ["PayungApp"],
            path: "Sources/payung-bench"
        ),
        .testTarget(
            name: "PayungCoreTests",
            dependencies: ["PayungCore"],
            path: "Tests/PayungCoreTests"
        ),
        .testTarget(
            name: "PayungAppTests",
            dependencies: [
                "PayungApp",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            path: "Tests/PayungAppTests",
            exclude: ["Fixtures"]
        ),
    ]
)
