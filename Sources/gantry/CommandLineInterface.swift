#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `gantry` command's own options; everything else belongs to the workbench.
enum CommandLineInterface {
    /// The released version.
    static let version = "0.1.0"

    /// What `gantry --help` prints.
    static let usage = """
        gantry \(version): a GAN workbench for the terminal.

        Usage:
          gantry --version     print the version
          gantry --help        print this help

        The interactive workbench (prompt, .gan scripts, `gantry run FILE.gan`) is being built on the
        numerical engine that ships in this version: tensors, automatic differentiation to any order,
        deterministic kernels and seeded random streams.
        """

    /// Runs with the given arguments and returns the process exit status.
    static func run(_ arguments: [String]) -> Int32 {
        switch arguments.first {
        case nil, "--help", "-h", "help":
            print(usage)
            return 0
        case "--version", "-V":
            print("gantry \(version)")
            return 0
        case let other?:
            let message = "gantry: unknown argument '\(other)'; see gantry --help\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            return 64
        }
    }
}
