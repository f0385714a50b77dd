//! The shop's theme colour as the chat's accent. The edge writes it and its readable text
//! colour onto `<body>` (`data-theme-color`, `data-theme-text`); they replace the stylesheet's
//! defaults of `--parley-accent` and `--parley-accent-ink`. Set through the CSS object model,
//! which the page's `style-src 'self'` allows (a `style` attribute in the markup it would not).

use leptos::prelude::document;
use parley_core::color::Rgb;

/// Applies the shop's colours, if the page names valid ones; otherwise the defaults stay.
pub fn apply() {
    let Some(body) = document().body() else { return };
    for (attribute, property) in [("data-theme-color", "--parley-accent"), ("data-theme-text", "--parley-accent-ink")] {
        if let Some(color) = body.get_attribute(attribute).and_then(|raw| Rgb::parse(&raw).ok()) {
            // Cannot fail for a custom property; the default colour is a fine fallback anyway.
            let _ = body.style().set_property(property, &color.to_string());
        }
    }
}
