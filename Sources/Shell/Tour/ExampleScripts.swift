import Foundation

/// The claim scripts the tour runs: `scripts/examples` of the Gantry source folder the running program was
/// built in, found by walking up from the executable (a build folder sits inside it), or the folder named
/// by `GANTRY_EXAMPLES` when Gantry was installed elsewhere.
enum ExampleScripts {
    /// A script every examples folder has, to recognise one.
    static let marker = "01-gan-loss-is-js.gan"
    /// How many folders above the executable are searched.
    static let searchDepth = 8

    /// The folder, or an error saying where it was looked for and how to name it.
    static func folder(environment: [String: String] = ProcessInfo.processInfo.environment,
                       executable: String = RunningProgram.executable) throws -> String {
        if let named = environment["GANTRY_EXAMPLES"], !named.isEmpty {
            guard holdsExamples(named) else {
                throw TourError("GANTRY_EXAMPLES is \(named), which holds no \(marker): it must name the scripts/examples folder of Gantry's source")
            }
            return named
        }
        if let checkout = RunningProgram.folder(above: executable, depth: searchDepth, where: { holdsExamples($0.appendingPathComponent("scripts/examples").path) }) {
            return checkout.appendingPathComponent("scripts/examples").path
        }
        throw TourError("the tour's lessons are the scripts in scripts/examples of Gantry's source, and none was found above \(executable); set GANTRY_EXAMPLES to that folder")
    }

    private static func holdsExamples(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/" + marker)
    }
}

/// Why the tour cannot go on, in a sentence.
struct TourError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
