//! The conversation as the shopper reads it: a greeting, the stored messages with their times,
//! and our own messages with where they are (sending, sent, read, or refused). Stored
//! messages carry the test hooks `data-testid="message"` and `data-author`; messages on their
//! way are `data-testid="pending"`.
//!
//! Every line, stored or on its way, is a plain `Line` in one list, redrawn in place when the
//! transcript changes: a keyed list, or a list and a view switch per kind of line, would cost
//! the widget kilobytes of generated code (and chats are short). Redrawn in place, the log's
//! nodes stay: its live region announces what is added, not the whole conversation again.
//!
//! The log takes the keyboard (`tabindex`) so that it can be scrolled without a mouse: its
//! lines hold nothing else that could.

use crate::chat::Chat;
use crate::live::effect;
use crate::text::{error_text, lang, t, t_with};
use leptos::prelude::*;
use parley_core::message::{Author, Message};
use parley_core::time::UnixMillis;
use parley_core::widget_text::Text;

/// One line of the log, as drawn.
#[derive(Clone, PartialEq)]
struct Line {
    author: &'static str,
    /// `message` once stored, `pending` before.
    hook: &'static str,
    sender: Option<String>,
    text: String,
    /// The time it was stored, for the shopper's clock.
    at: Option<UnixMillis>,
    /// For our own lines: sending, sent, read, or why it was refused.
    state: Option<String>,
}

#[component]
pub fn MessageLog(chat: Chat) -> impl IntoView {
    let lines = move || lines(chat);
    // Keep the newest line in view whenever something is added.
    effect(move || {
        lines();
        // After this change has reached the DOM. Found by its class rather than a `NodeRef`:
        // a node ref of another element type would cost the widget its own signal code.
        request_animation_frame(|| {
            if let Ok(Some(log)) = document().query_selector(".parley-log") {
                log.set_scroll_top(log.scroll_height());
            }
        });
    });
    view! {
        <div class="parley-log" role="log" aria-live="polite" tabindex="0">
            <p class="parley-line" data-testid="greeting">{t(Text::Greeting)}</p>
            {move || lines().into_iter().map(line_view).collect_view()}
        </div>
    }
}

fn line_view(line: Line) -> impl IntoView {
    let time = line.at.map(local_time);
    let (no_sender, no_time) = (line.sender.is_none(), time.is_none());
    view! {
        <div class=format!("parley-message parley-{}", line.author) data-testid=line.hook data-author=line.author>
            <p class="parley-sender" hidden=no_sender>{line.sender}</p>
            <p class="parley-text">{line.text}</p>
            <p class="parley-state">
                <time hidden=no_time>{time}</time>
                " "
                {line.state}
            </p>
        </div>
    }
}

/// What the log shows now (tracked).
fn lines(chat: Chat) -> Vec<Line> {
    let starting = Some(chat.starting.get()).filter(|text| !text.is_empty()).map(|text| Line {
        author: Author::Shopper.as_str(),
        hook: "pending",
        sender: None,
        text,
        at: None,
        state: Some(t(Text::Sending).to_owned()),
    });
    let Some(live) = chat.live.get() else { return starting.into_iter().collect() };
    live.with_transcript(|transcript| {
        let read_up_to = transcript.conversation().map_or(0, |conversation| conversation.agent_read);
        let stored = transcript.messages().iter().map(|message| stored_line(message, read_up_to));
        let on_its_way = transcript.pending().iter().map(|pending| {
            let state = match &pending.refused {
                None => t(Text::Sending).to_owned(),
                Some(error) => t_with(Text::NotSent, &[&error_text(error)]),
            };
            Line {
                author: Author::Shopper.as_str(),
                hook: "pending",
                sender: None,
                text: pending.text.clone(),
                at: None,
                state: Some(state),
            }
        });
        stored.chain(on_its_way).chain(starting).collect()
    })
}

fn stored_line(message: &Message, read_up_to: u64) -> Line {
    // Our own messages say whether the agent has read them yet.
    let state = (message.author == Author::Shopper).then_some(t(if message.seq <= read_up_to {
        Text::Read
    } else {
        Text::Sent
    }));
    Line {
        author: message.author.as_str(),
        hook: "message",
        sender: message.sender.clone(),
        text: message.text.clone(),
        at: Some(message.at),
        state: state.map(str::to_owned),
    }
}

/// Hours and minutes in the shopper's own locale and time zone, by the browser's `Intl`.
fn local_time(at: UnixMillis) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    js_sys::Date::new(&(at.0 as f64).into()).to_locale_time_string_with_options(&lang(), &options).into()
}
