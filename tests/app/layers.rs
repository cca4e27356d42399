//! The shape of `src/`: every top-level module (a folder, or a file at the top) sits on a
//! layer, and a module may use only modules of lower layers or of its own. Read from the
//! source text (`crate::x` paths, templates included), so a new import that climbs back up
//! or closes a circle between folders fails here, naming the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first. Modules on one layer must not use each other at all, except where listed
/// in `SAME_LAYER`; the test checks that this table, read as a graph, has no circle.
const LAYERS: &[&[&str]] = &[
    &[
        "error",
        "clock",
        "config",
        "progress",
        "panic_hook",
        "schema",
    ],
    &["domain"],
    &["validate", "openapi", "db"],
    &["models"],
    &["reports"],
    &["downloads"],
    &["actions", "state"],
    &["auth", "extract", "middleware", "demo"],
    &["web", "api"],
    &["app"],
    &["cli"],
    &["lib", "main", "build"],
];

/// Uses allowed between two modules of one layer (user, used).
const SAME_LAYER: &[(&str, &str)] = &[
    ("extract", "auth"),
    ("middleware", "auth"),
    ("demo", "auth"),
    ("api", "web"),
    ("openapi", "validate"),
    ("db", "validate"),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file under `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    if first == "templates" {
        // Templates are compiled into the web pages that render them.
        return "web".to_owned();
    }
    first.trim_end_matches(".rs").to_owned()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "html")
        ) {
            out.push(path);
        }
    }
}

/// Every `crate::name` on a line that is not a comment.
fn uses(line: &str) -> Vec<String> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // `$crate::` in a macro names the crate the same way.
        if !name.is_empty() {
            found.push(name);
        }
        rest = after;
    }
    found
}

#[test]
fn every_module_uses_only_lower_layers_so_folders_form_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.sort();

    let mut problems = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &all {
        let from = module_of(&src, file);
        let Some(from_layer) = layer_of(&from) else {
            problems.push(format!(
                "{}: module `{from}` is on no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for to in uses(line) {
                if to == from {
                    continue;
                }
                let Some(to_layer) = layer_of(&to) else {
                    continue; // a crate-level item re-exported by lib.rs, e.g. `crate::AppError`
                };
                graph.entry(from.clone()).or_default().insert(to.clone());
                let allowed =
                    to_layer < from_layer || SAME_LAYER.contains(&(from.as_str(), to.as_str()));
                if !allowed {
                    problems.push(format!(
                        "{}:{}: `{from}` (layer {from_layer}) uses `{to}` (layer {to_layer})",
                        file.strip_prefix(&src).unwrap_or(file).display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports against the layers:\n{}",
        problems.join("\n")
    );
    // The scan sees real imports: the command line starts the router.
    assert!(graph.get("cli").is_some_and(|used| used.contains("app")));
}

#[test]
fn the_allowed_same_layer_uses_form_no_circle() {
    for (user, used) in SAME_LAYER {
        assert_eq!(layer_of(user), layer_of(used), "{user} → {used}");
        assert!(
            !SAME_LAYER.contains(&(used, user)),
            "{user} and {used} may not use each other both ways"
        );
    }
}
