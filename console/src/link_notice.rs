//! Says when a socket is not connected: "Connecting…" at first, "Reconnecting…" once it has
//! been online, with what that means for the agent meanwhile.

use leptos::prelude::*;
use parley_client::Link;

#[component]
pub fn LinkNotice(link: Signal<Link>, meanwhile: &'static str) -> impl IntoView {
    let was_online =
        Memo::new(move |was_online: Option<&bool>| was_online.copied().unwrap_or(false) || link.get() == Link::Online);
    let notice = move || {
        // Read on every change, even while online: a memo nobody reads would miss that state.
        let was_online = was_online.get();
        match link.get() {
            Link::Online => None,
            _ if was_online => Some(format!("Reconnecting… {meanwhile}")),
            _ => Some("Connecting…".to_owned()),
        }
    };
    move || notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })
}
