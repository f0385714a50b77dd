//! The shop's pre-chat fields (name, e-mail), shown before the shopper's first message while
//! there is no conversation yet, and only those the shop asks for and does not already know
//! (what its page says through `Parley.identify`, which may come at any time).
//! What the shopper fills in goes with the new conversation, checked by the shop's rules first
//! (the edge checks them again). The rules are the shop's as the chat last heard them
//! (`ShopView`), so a change shows in a chat already open. Test hooks: `pre-chat`,
//! `pre-chat-name`, `pre-chat-email`.

use crate::chat::Chat;
use crate::embedder::Embedder;
use crate::live::{keep_in, live};
use crate::shop_view::ShopView;
use crate::text::t;
use leptos::prelude::*;
use parley_core::error::PreChatError;
use parley_core::pre_chat::{FieldRule, PreChatFields};
use parley_core::protocol::ShopperDetails;
use parley_core::widget_text::Text;

/// The shop's rules, the page that may tell who the shopper is, and what they typed; copies
/// share it.
#[derive(Clone, Copy)]
pub struct PreChat {
    /// The shop, whose view holds its rules.
    shop: ShopView,
    /// What the shop's page tells of the shopper (e.g. from its own sign-in) is sent, and not
    /// asked again.
    page: Embedder,
    name: RwSignal<String>,
    email: RwSignal<String>,
}

impl PreChat {
    /// The rules of the `shop`, and the `page` that may tell who the shopper is.
    pub fn new(shop: ShopView, page: Embedder) -> PreChat {
        PreChat { shop, page, name: RwSignal::new(String::new()), email: RwSignal::new(String::new()) }
    }

    /// The shop's rules (tracked).
    fn rules(&self) -> PreChatFields {
        self.shop.view().pre_chat
    }

    /// The fields the form asks for (tracked).
    fn asked(&self) -> PreChatFields {
        self.rules().still_to_ask(&self.page.visitor())
    }

    /// What goes with the new conversation: what was known, and what the shopper typed in the
    /// fields asked, checked by the shop's rules.
    pub fn details(&self) -> Result<Option<ShopperDetails>, PreChatError> {
        let (rules, known) = untrack(|| (self.rules(), self.page.visitor()));
        let asked = rules.still_to_ask(&known);
        let typed = |rule: FieldRule, field: RwSignal<String>| rule.asked().then(|| field.get_untracked());
        let given = ShopperDetails {
            name: typed(asked.name, self.name).or(known.name),
            email: typed(asked.email, self.email).or(known.email),
        };
        rules.accept(given)
    }
}

#[component]
pub fn PreChatForm(chat: Chat) -> impl IntoView {
    let pre_chat = chat.pre_chat;
    // Only before the first message: a shopper with a conversation is never asked again.
    let hidden = move || !pre_chat.asked().any() || chat.live.with(Option::is_some) || chat.is_starting();
    view! {
        <fieldset class="parley-pre-chat" data-testid="pre-chat" hidden=live(hidden)>
            <legend class="parley-pre-chat-legend">{t(Text::PreChatLegend)}</legend>
            {field(pre_chat, |fields| fields.name, "parley-pre-chat-name", Text::YourName, "text", "name", pre_chat.name)}
            {field(pre_chat, |fields| fields.email, "parley-pre-chat-email", Text::YourEmail, "email", "email", pre_chat.email)}
        </fieldset>
    }
}

/// One labelled field, the one `pick` takes of the shop's fields, hidden while the form does not
/// ask for it. `pick` is a plain function rather than a closure, so both fields share one copy
/// of this view's code.
fn field(
    pre_chat: PreChat,
    pick: fn(&PreChatFields) -> FieldRule,
    id: &'static str,
    label: Text,
    kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    // `required` is what assistive technology reads of it (no `aria-required` beside it).
    let required = move || pick(&pre_chat.rules()) == FieldRule::Required;
    let asked = move || pick(&pre_chat.asked()).asked();
    let testid = id.strip_prefix("parley-").unwrap_or(id);
    view! {
        <label class="parley-contact-label" for=id hidden=live(move || !asked())>
            {t(label)}
            {live(move || (!required()).then(|| t(Text::Optional).to_owned()))}
        </label>
        <input
            id=id
            class="parley-contact-input"
            type=kind
            autocomplete=autocomplete
            required=live(required)
            data-testid=testid
            hidden=live(move || !asked())
            on:input=keep_in(value)
        />
    }
}
