//! Keeps the agent's view of the shopper's page current. A new conversation takes the page
//! with it; afterwards, when the page changes (a single-page shop navigates, or its code calls
//! `Parley.setContext`), the conversation is told with a `context` frame, once it is online and
//! the edge's page differs. The edge answers with the conversation's new view, so a page is
//! sent once; a refused one is not retried until the page changes again.

use crate::chat::Chat;
use crate::embedder::Embedder;
use crate::live::effect;
use leptos::prelude::*;
use parley_client::Link;

/// Follows the page for as long as the app runs.
pub fn follow_the_page(chat: Chat, embedder: Embedder) {
    let known = Memo::new(move |_| {
        chat.live.get().and_then(|live| live.transcript().with(|t| t.conversation().map(|view| view.page.clone())))
    });
    effect(move || {
        let page = embedder.page();
        // The link read directly, not through a memo: a run on any other change of it sends
        // nothing, and a `Memo<bool>` would cost the widget its own copy of the memo code.
        let online = chat.live.get().is_some_and(|live| live.link().get() == Link::Online);
        let (Some(known), true, Some(live)) = (known.get(), online, chat.live.get_untracked()) else { return };
        if known != page {
            live.set_page(page);
        }
    });
}
