//! BENCHMARKS.md as generated blocks among hand-written text: each benchmark owns the block
//! between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, which a run replaces, and
//! everything outside the blocks (explanations, before/after notes) is left as it was. A
//! block not yet in the file is added at its end under its heading.

/// The text of `document` with block `name` holding `generated`.
pub fn replace(document: &str, name: &str, heading: &str, generated: &str) -> String {
    let start = format!("<!-- bench:{name} -->");
    let end = format!("<!-- /bench:{name} -->");
    let block = format!("{start}\n{}\n{end}", generated.trim_end());
    match (document.find(&start), document.find(&end)) {
        (Some(from), Some(to)) if from < to => {
            format!("{}{block}{}", &document[..from], &document[to + end.len()..])
        }
        _ => {
            let separator = if document.is_empty() || document.ends_with("\n\n") {
                ""
            } else if document.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{document}{separator}## {heading}\n\n{block}\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_replaced_in_place_or_added_and_the_rest_is_kept() {
        let marked = "# B\n\nintro\n\n<!-- bench:sizes -->\nold\n<!-- /bench:sizes -->\n\nBefore: 3 s.\n";
        let cases = [
            ("replaced in place", marked, "new\n", "# B\n\nintro\n\n<!-- bench:sizes -->\nnew\n<!-- /bench:sizes -->\n\nBefore: 3 s.\n"),
            ("added at the end", "# B\n", "new", "# B\n\n## Sizes\n\n<!-- bench:sizes -->\nnew\n<!-- /bench:sizes -->\n"),
            ("added to nothing", "", "new", "## Sizes\n\n<!-- bench:sizes -->\nnew\n<!-- /bench:sizes -->\n"),
            (
                "an end before its start is no block",
                "<!-- /bench:sizes --> <!-- bench:sizes -->\n\n",
                "new",
                "<!-- /bench:sizes --> <!-- bench:sizes -->\n\n## Sizes\n\n<!-- bench:sizes -->\nnew\n<!-- /bench:sizes -->\n",
            ),
        ];
        for (what, document, generated, expected) in cases {
            assert_eq!(replace(document, "sizes", "Sizes", generated), expected, "{what}");
        }
        let other = replace(marked, "load", "Load", "figures");
        assert!(other.starts_with(marked) && other.ends_with("<!-- /bench:load -->\n"), "{other}");
    }
}
