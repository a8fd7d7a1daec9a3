import Foundation
import Workbench

// How commands that name a plugin find it: one lookup and one error text for every kind.

extension Interpreter {
    /// The plugin type named by positional `index`; a missing or unknown name is a located error that
    /// lists the choices or suggests the closest.
    func plugin<T>(_ invocation: Invocation, _ kind: String, _ types: [T], at index: Int = 0,
                   spec: (T) -> PluginSpec, named: (String) -> T?) throws -> T {
        guard index < invocation.positionals.count else {
            let what = invocation.spec.name == kind ? "a name" : "a \(kind) name"
            throw invocation.failure("\(invocation.spec.name) needs \(what); \(pluralName(kind)): "
                                     + types.map { spec($0).name }.joined(separator: ", "))
        }
        let node = invocation.positionals[index]
        guard let type = named(node.text) else {
            throw invocation.failure(unknownPluginMessage(kind, node.text, types.map(spec)), at: node.range)
        }
        return type
    }

    func pluralName(_ kind: String) -> String {
        switch kind {
        case "data set": return "data sets"
        case "loss": return "losses"
        default: return kind + "s"
        }
    }

    /// "unknown loss 'wgn'; did you mean 'wgan'?" or the list of names.
    func unknownPluginMessage(_ kind: String, _ name: String, _ specs: [PluginSpec]) -> String {
        let names = specs.flatMap { [$0.name] + $0.aliases }
        if let close = Suggestion.closest(to: name, among: names) { return "unknown \(kind) '\(name)'; did you mean '\(close)'?" }
        let list = specs.map(\.name).joined(separator: ", ")
        return "unknown \(kind) '\(name)'" + (list.isEmpty ? "" : "; \(pluralName(kind)): \(list)")
    }
}
