//! Shrinks the interface between an app's wasm and its wasm-bindgen glue, after wasm-bindgen
//! and with wasm-opt: the stream classes leptos' server_fn exports (nothing in the apps creates
//! them) are dropped from both sides, so are imports wasm-opt found dead, and every import and
//! export gets a one- or two-letter name, renamed to match in the glue. Long mangled names (`__wbg_createElement_8c9931a7…`)
//! appear in both files and hardly compress; this is about 5 KB of the widget's first open.
//!
//! The glue is edited as text, so every step checks that it found what it expected: a
//! wasm-bindgen that writes its glue differently fails the build instead of shipping a
//! broken app (and the browser tests would catch one that slipped through).

use anyhow::{bail, ensure, Context, Result};
use std::path::Path;

/// The exported classes of the `wasm-streams` crate (through leptos' server_fn): their wasm
/// exports all contain this, in lower case.
const STREAM_EXPORTS: &str = "intounderlying";
const STREAM_CLASSES: [&str; 3] = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];

/// The object of the wasm's imports in the glue, from its start to its end.
const IMPORTS_START: &str = "const import0 = {";
const IMPORTS_END: &str = "\n    };";

/// The module wasm-bindgen's glue gives the wasm its imports under, and the name binaryen's
/// `--minify-imports-and-exports-and-modules` gives that module (it names modules from "a").
const GLUE_MODULE: &str = "\"./{name}_bg.js\": import0";
const MINIFIED_MODULE: &str = "a: import0";

/// The wasm-opt arguments that drop the stream exports (to be given before `-Oz`, so their code
/// goes too).
pub fn drop_stream_exports() -> [String; 2] {
    ["--remove-exports".to_owned(), format!("--pass-arg=remove-exports@*{STREAM_EXPORTS}*")]
}

/// The wasm-opt pass (given after `-Oz`) that shortens the names, printing the renames on
/// standard output.
pub const MINIFY_NAMES: &str = "--minify-imports-and-exports-and-modules";

/// Rewrites the glue at `glue` for a wasm that wasm-opt gave `renames` (what it printed with
/// [`MINIFY_NAMES`]).
pub fn rewrite_glue(glue: &Path, name: &str, renames: &str) -> Result<()> {
    let text = std::fs::read_to_string(glue).with_context(|| format!("reading {}", glue.display()))?;
    let text = without_stream_classes(text)?;
    let text = renamed(text, name, &Renames::parse(renames)?)?;
    std::fs::write(glue, text).with_context(|| format!("writing {}", glue.display()))
}

/// The glue without the stream classes and their finalization registries.
fn without_stream_classes(mut text: String) -> Result<String> {
    for class in STREAM_CLASSES {
        let start = format!("export class {class} {{");
        let end = format!("if (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n");
        cut(&mut text, &start, &end)?;
        cut(&mut text, &format!("const {class}Finalization = "), "));\n")?;
    }
    ensure!(!text.contains("IntoUnderlying"), "the glue still mentions a stream class after removing them");
    Ok(text)
}

/// Removes the first span from `start` to the end of the next `end` after it.
fn cut(text: &mut String, start: &str, end: &str) -> Result<()> {
    let from = text.find(start).with_context(|| format!("the glue has no `{start}`"))?;
    let to = text[from..].find(end).with_context(|| format!("the glue's `{start}` has no `{end}`"))? + from + end.len();
    text.replace_range(from..to, "");
    Ok(())
}

/// The glue with the wasm's new names, and without the imports the wasm dropped: export `x`
/// is read as `wasm.x`, import `x` is the key `x:` of the object wasm-bindgen passes as the
/// wasm's one import module (one entry per import, from `        x: function(…) {` to the next line starting `        }`).
fn renamed(mut text: String, name: &str, renames: &Renames) -> Result<String> {
    for (old, new) in &renames.imports {
        let key = format!("\n        {old}: function");
        ensure!(text.contains(&key), "the glue defines no import `{old}`");
        text = text.replace(&key, &format!("\n        {new}: function"));
    }
    // What the wasm no longer imports (wasm-opt removed its last caller) has no new name: it goes.
    while let Some(from) = dropped_import(&text)? {
        // The entry ends on the next line indented as far as its key, `}` first.
        let close = text[from..].find("\n        }").context("an import of the glue never ends")? + from + 1;
        let to = text[close..].find('\n').map_or(text.len(), |end| close + end);
        text.replace_range(from..to, "");
    }
    for (old, new) in &renames.exports {
        text = replace_member(&text, old, new);
    }
    let module = GLUE_MODULE.replace("{name}", name);
    ensure!(text.contains(&module), "the glue passes no `{module}`");
    text = text.replace(&module, MINIFIED_MODULE);
    // Every export the glue still reads must be one of the new names.
    let exports: Vec<&str> = renames.exports.iter().map(|(_, new)| new.as_str()).collect();
    for member in members(&text) {
        ensure!(exports.contains(&member), "the glue reads `wasm.{member}`, which the wasm does not export");
    }
    Ok(text)
}

/// Where the first import the wasm dropped starts: a key of the imports object that still has
/// its long name.
fn dropped_import(text: &str) -> Result<Option<usize>> {
    let start = text.find(IMPORTS_START).context("the glue has no imports object")?;
    let end = text[start..].find(IMPORTS_END).context("the glue's imports object never ends")? + start;
    let imports = &text[start..end];
    Ok(["\n        __wbg_", "\n        __wbindgen_"]
        .iter()
        .filter_map(|key| imports.find(key))
        .min()
        .map(|at| start + at))
}

/// `text` with each `wasm.{old}` (a whole member name) read as `wasm.{new}`.
fn replace_member(text: &str, old: &str, new: &str) -> String {
    let needle = format!("wasm.{old}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let whole = !after.starts_with(is_identifier_char);
        out.push_str(&rest[..at]);
        out.push_str(if whole { "wasm." } else { &needle });
        if whole {
            out.push_str(new);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The member names read from `wasm.` in the glue.
fn members(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("wasm.").filter_map(|(at, _)| {
        let preceded = text[..at].ends_with(is_identifier_char);
        let rest = &text[at + "wasm.".len()..];
        let end = rest.find(|c: char| !is_identifier_char(c)).unwrap_or(rest.len());
        (!preceded && end > 0).then(|| &rest[..end])
    })
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// wasm-opt's record of the names it gave: JSON-like lines `["module", "old", "new"],` under
/// `"imports"` and `["old", "new"],` under `"exports"` (with trailing commas, so not JSON).
#[derive(Default)]
struct Renames {
    imports: Vec<(String, String)>,
    exports: Vec<(String, String)>,
}

impl Renames {
    fn parse(output: &str) -> Result<Self> {
        let mut renames = Renames::default();
        let mut section = None;
        for line in output.lines().map(str::trim) {
            match line {
                "\"imports\": [" => section = Some(true),
                "\"exports\": [" => section = Some(false),
                _ if line.starts_with('[') => {
                    let strings: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
                    match (section, strings.as_slice()) {
                        (Some(true), [_module, old, new]) => renames.imports.push((old.to_string(), new.to_string())),
                        (Some(false), [old, new]) => renames.exports.push((old.to_string(), new.to_string())),
                        _ => bail!("unexpected line in wasm-opt's renames: {line}"),
                    }
                }
                _ => {}
            }
        }
        ensure!(!renames.imports.is_empty() && !renames.exports.is_empty(), "wasm-opt printed no renames");
        Ok(renames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_are_read_from_wasm_opts_listing() {
        let listing = "{\n \"imports\": [\n  [\"./widget_bg.js\", \"__wbg_status_cb85\", \"$\"],\n ],\n\"exports\": [\n  [\"memory\", \"Nb\"],\n ]\n}\n";
        let renames = Renames::parse(listing).expect("parses");
        assert_eq!(renames.imports, vec![("__wbg_status_cb85".to_owned(), "$".to_owned())]);
        assert_eq!(renames.exports, vec![("memory".to_owned(), "Nb".to_owned())]);
    }

    #[test]
    fn members_are_renamed_whole() {
        let glue = "wasm.start(); wasm.start_b(); x.wasm.start; wasm.start";
        assert_eq!(replace_member(glue, "start", "a"), "wasm.a(); wasm.start_b(); x.wasm.a; wasm.a");
        assert_eq!(members("wasm.a(); xwasm.b; wasm.c_1.d").collect::<Vec<_>>(), ["a", "c_1"]);
    }
}
