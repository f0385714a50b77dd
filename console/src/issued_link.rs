//! A single-use link just made, to hand on (Parley sends no mail): the whole URL in a read-only
//! field, a button to copy it, and until when it works.

use crate::copy_button::CopyButton;
use crate::format;
use leptos::prelude::*;
use parley_core::protocol::IssuedLink;

/// `link` under `label`; the field's test hook is `testid`, its copy button's `{testid}-copy`.
#[component]
pub fn IssuedLinkField(link: IssuedLink, id: String, testid: &'static str, label: String) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="issued-link">
            <label class="field-label" for=id.clone()>
                {label}
            </label>
            <div class="copy-row">
                <input
                    id=id.clone()
                    class="field"
                    readonly
                    data-testid=testid
                    aria-describedby=hint_id.clone()
                    prop:value=link.link.clone()
                />
                <CopyButton text=link.link source=id testid=format!("{testid}-copy") label="Copy the link" />
            </div>
            <p class="field-hint" id=hint_id>
                {format!("Works once, until {}.", format::date_time(link.expires_at))}
            </p>
        </div>
    }
}
