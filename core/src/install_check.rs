//! The installation check: which origins' pages loaded a shop's widget lately, and which were
//! refused because the shop does not allow them, so an owner sees at once whether the tag they
//! pasted works ("seen on https://shop.example 2 minutes ago", "refused on
//! https://staging.shop.example: add it?"). The edge records the `Origin` of each request the
//! loader makes for the shop's launcher, at most once a minute per origin, and keeps the latest
//! few of each kind: anyone can send any `Origin`, so what is kept is bounded.

use crate::origin::OriginPattern;
use crate::protocol::{InstallReport, OriginSighting};
use crate::time::UnixMillis;

/// How many origins of each kind (seen, refused) are kept.
pub const KEPT_PER_KIND: usize = 20;

/// A sighting of one origin is stored again only this long after the last, unless whether it
/// is allowed changed.
pub const RECORD_EVERY_MILLIS: u64 = 60_000;

/// The longest origin recorded, in bytes.
const MAX_ORIGIN_BYTES: usize = 200;

/// A page's origin as the browser named it in `Origin`, if it is one worth recording: a
/// concrete `http(s)://host[:port]` (not `null`, not a pattern, not overlong).
pub fn page_origin(header: &str) -> Option<&str> {
    let concrete = header.len() <= MAX_ORIGIN_BYTES && !header.contains('*');
    (concrete && OriginPattern::parse(header).is_some()).then_some(header)
}

/// One origin as stored: whether it was allowed when last seen, and when that was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    pub origin: String,
    pub allowed: bool,
    pub last_at: UnixMillis,
}

/// The report for the owner, the latest first: origins that loaded the widget, and origins
/// refused that the shop still does not allow (one added since shows as seen once a page of it
/// loads again).
pub fn report(mut sightings: Vec<Sighting>, allowed_now: &[OriginPattern]) -> InstallReport {
    sightings.sort_by(|a, b| b.last_at.cmp(&a.last_at).then_with(|| a.origin.cmp(&b.origin)));
    let as_reported =
        |sighting: &Sighting| OriginSighting { origin: sighting.origin.clone(), last_at: sighting.last_at };
    let seen = sightings.iter().filter(|s| s.allowed).take(KEPT_PER_KIND).map(as_reported).collect();
    let refused = sightings
        .iter()
        .filter(|s| !s.allowed && !allowed_now.iter().any(|pattern| pattern.matches(&s.origin)))
        .take(KEPT_PER_KIND)
        .map(as_reported)
        .collect();
    InstallReport { seen, refused }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_concrete_page_origins_are_recorded() {
        let cases = [
            ("https://shop.example", true),
            ("http://127.0.0.1:8080", true),
            ("null", false),
            ("http://localhost:*", false),
            ("https://shop.example/path", false),
            ("javascript:alert(1)", false),
            ("", false),
        ];
        for (header, recorded) in cases {
            assert_eq!(page_origin(header).is_some(), recorded, "{header}");
        }
        assert_eq!(page_origin(&format!("https://{}.example", "a".repeat(200))), None);
    }

    #[test]
    fn the_report_puts_the_latest_first_and_drops_refusals_since_allowed() {
        let sighting = |origin: &str, allowed, at| Sighting { origin: origin.into(), allowed, last_at: UnixMillis(at) };
        let sightings = vec![
            sighting("https://shop.example", true, 10),
            sighting("https://www.shop.example", true, 30),
            sighting("https://staging.shop.example", false, 20),
            sighting("https://preview.shop.example", false, 40),
        ];
        let allowed = [OriginPattern::parse("https://preview.shop.example").expect("a pattern")];
        let report = report(sightings, &allowed);
        let origins = |list: &[OriginSighting]| list.iter().map(|s| s.origin.clone()).collect::<Vec<_>>();
        assert_eq!(origins(&report.seen), ["https://www.shop.example", "https://shop.example"]);
        assert_eq!(origins(&report.refused), ["https://staging.shop.example"]);
    }
}
