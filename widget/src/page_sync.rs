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
use parley_core::protocol::PageContext;
use std::cell::RefCell;

/// What the edge knows of the page, the shopper's page, and whether the conversation is online.
type Seen = (Option<PageContext>, PageContext, bool);

/// Follows the page for as long as the app runs. The effect runs on every change of the
/// transcript, but acts only when what it looks at changed (what a memo would do; each memo or
/// stored-value type costs the widget its own copy of the arena's code), so a page in flight is
/// not resent.
pub fn follow_the_page(chat: Chat, embedder: Embedder) {
    let seen = RefCell::new(None::<Seen>);
    effect(move || {
        let live = chat.live.get();
        let known = chat.conversation().map(|view| view.page);
        let online = live.is_some_and(|live| live.link() == Link::Online);
        let now = (known, embedder.page(), online);
        if seen.borrow().as_ref() == Some(&now) {
            return;
        }
        *seen.borrow_mut() = Some(now.clone());
        if let (Some(live), (Some(known), page, true)) = (live, now) {
            if known != page {
                live.set_page(page);
            }
        }
    });
}
