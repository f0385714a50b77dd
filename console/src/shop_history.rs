//! The shop's history as the console reaches it: the shop whose history it is, and which past
//! conversation the History view shows. The workspace provides it, so a chat's context panel can
//! open an earlier conversation in the History view without threading signals through.

use crate::main_view::MainView;
use leptos::prelude::*;
use parley_core::ids::{ConversationId, ShopId};

#[derive(Clone, Copy)]
pub struct ShopHistory {
    shop: StoredValue<ShopId>,
    main_view: RwSignal<MainView>,
    /// The past conversation shown in the History view, if any.
    opened: RwSignal<Option<ConversationId>>,
}

impl ShopHistory {
    /// Provides the history of `shop` to everything under the current owner.
    pub fn provide(shop: ShopId, main_view: RwSignal<MainView>) -> ShopHistory {
        let history = ShopHistory { shop: StoredValue::new(shop), main_view, opened: RwSignal::new(None) };
        provide_context(history);
        history
    }

    /// The history the workspace provided.
    pub fn expect() -> ShopHistory {
        expect_context::<ShopHistory>()
    }

    /// `/api/shops/{shop}{rest}`.
    pub fn path(&self, rest: &str) -> String {
        self.shop.with_value(|shop| format!("/api/shops/{shop}{rest}"))
    }

    /// Shows a past conversation in the History view.
    pub fn open(&self, conversation_id: ConversationId) {
        self.opened.set(Some(conversation_id));
        self.main_view.set(MainView::History);
    }

    /// Back to the list.
    pub fn close(&self) {
        self.opened.set(None);
    }

    /// The past conversation shown (tracked).
    pub fn opened(&self) -> Option<ConversationId> {
        self.opened.get()
    }
}
