//! Telling the agent what needs them, as `attention` decides: a beep, a count in the tab's
//! title while the tab is hidden (cleared when it is shown), and a browser notification, for a
//! chat newly waiting and for a shopper writing in one of the agent's chats. The agent's chats
//! stay connected for that, shown or not.
//!
//! Sound and notifications need the agent's consent: the "Alerts" switch in the top bar
//! (`data-testid="alerts-toggle"`, remembered in this browser) asks the browser's permission
//! from its click. Its `data-beeps` counts the beeps played, for tests.

use crate::attention::{Alert, Happening, Heard, Tab};
use crate::beep::beep;
use crate::browser_notification;
use crate::desk::Desk;
use crate::open_chats::OpenChats;
use leptos::prelude::*;
use parley_core::ids::{AgentId, ConversationId};
use parley_core::message::Author;
use web_sys::{AudioContext, Storage};

/// Where the switch is remembered, in this browser's local storage.
const SWITCH_KEY: &str = "parley.alerts";

#[component]
pub fn Alerts(desk: Desk, chats: OpenChats, me: AgentId) -> impl IntoView {
    let alerts_on =
        RwSignal::new(local_storage().and_then(|storage| storage.get_item(SWITCH_KEY).ok().flatten()).is_some());
    let beeps = RwSignal::new(0_u32);
    let unseen = RwSignal::new(0_u32);
    let audio = StoredValue::new_local(None::<AudioContext>);
    let heard = StoredValue::new(Heard::default());

    let tell = move |happening: Happening, title: &str, body: &str, conversation_id: &ConversationId| {
        let tab = Tab { hidden: document().hidden(), alerts_on: alerts_on.get_untracked() };
        let alert = Alert::for_happening(happening, tab);
        if alert.count_in_title {
            unseen.update(|count| *count += 1);
        }
        if alert.beep {
            if let Err(error) = audio_context(audio).and_then(|audio| beep(&audio)) {
                web_sys::console::warn_2(&"a beep failed:".into(), &error);
            }
            beeps.update(|count| *count += 1);
        }
        if alert.notify {
            browser_notification::show(title, body, conversation_id.as_str());
        }
    };

    // What is new at the desk and in my chats, from the first queue on.
    Effect::new(move || {
        if !desk.has_queue() {
            return;
        }
        let waiting = desk.waiting();
        let mine = desk.assigned_to(&me);
        let waiting_ids: Vec<ConversationId> = waiting.iter().map(|item| item.conversation_id.clone()).collect();
        let mine_ids: Vec<ConversationId> = mine.iter().map(|item| item.conversation_id.clone()).collect();
        let newly_waiting = heard.try_update_value(|heard| heard.queue(&waiting_ids, &mine_ids)).unwrap_or_default();
        for item in waiting.iter().filter(|item| newly_waiting.contains(&item.conversation_id)) {
            let title = match &item.shopper_name {
                Some(name) => format!("{name} is waiting"),
                None => "A shopper is waiting".to_owned(),
            };
            tell(Happening::NewWaiting, &title, &item.preview, &item.conversation_id);
        }
        for item in &mine {
            chats.open(&item.conversation_id);
            let Some(chat) = chats.get(&item.conversation_id) else { continue };
            // Heard only once its transcript has come: an empty one is not "no messages".
            let latest = chat.live.with_transcript(|transcript| {
                transcript.conversation()?;
                let latest = transcript.messages().iter().rev().find(|message| message.author == Author::Shopper);
                Some(latest.map_or((0, String::new()), |message| (message.seq, message.text.clone())))
            });
            let Some((seq, text)) = latest else { continue };
            let news =
                heard.try_update_value(|heard| heard.shopper_message(&item.conversation_id, seq)).unwrap_or(false);
            if news {
                let shown = untrack(|| chats.is_shown(&item.conversation_id));
                let title = format!("{} wrote", item.shopper_name.as_deref().unwrap_or("The shopper"));
                tell(Happening::ShopperWrote { shown }, &title, &text, &item.conversation_id);
            }
        }
    });

    // The count in the title, until the tab is shown again.
    let plain_title = document().title();
    {
        let plain_title = plain_title.clone();
        Effect::new(move || {
            document().set_title(&match unseen.get() {
                0 => plain_title.clone(),
                count => format!("({count}) {plain_title}"),
            });
        });
    }
    let shown_again = window_event_listener_untyped("visibilitychange", move |_| {
        if !document().hidden() {
            unseen.set(0);
        }
    });
    on_cleanup(move || {
        shown_again.remove();
        document().set_title(&plain_title);
    });

    let switch = move |_| {
        let on = !alerts_on.get_untracked();
        alerts_on.set(on);
        if let Some(storage) = local_storage() {
            // Not remembered is no loss: the switch is clicked again next time.
            let _ = if on { storage.set_item(SWITCH_KEY, "on") } else { storage.remove_item(SWITCH_KEY) };
        }
        if on {
            browser_notification::ask_permission();
            // Made within the click, the browser lets it play.
            if let Err(error) = audio_context(audio) {
                web_sys::console::warn_2(&"no sound:".into(), &error);
            }
        }
    };
    view! {
        <button
            type="button"
            class="button small"
            data-testid="alerts-toggle"
            data-beeps=move || beeps.get()
            aria-pressed=move || if alerts_on.get() { "true" } else { "false" }
            title="Sound and notifications for new chats and messages"
            on:click=switch
        >
            "Alerts"
        </button>
    }
}

/// The page's audio context, made the first time it is needed.
fn audio_context(
    audio: StoredValue<Option<AudioContext>, LocalStorage>,
) -> Result<AudioContext, wasm_bindgen::JsValue> {
    if let Some(context) = audio.get_value() {
        return Ok(context);
    }
    let context = AudioContext::new()?;
    audio.set_value(Some(context.clone()));
    Ok(context)
}

fn local_storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}
