//! The conversation as the shopper reads it: the shop's greeting (with its typical reply time
//! when it shows one, and that it is closed now before anyone wrote), the stored messages with
//! their times, and our own messages with where they are (sending, sent, read, or refused).
//! The shop's lines carry the test hooks `greeting`, `reply-time` and `closed`. Stored
//! messages carry the test hooks `data-testid="message"` and `data-author`; messages on their
//! way are `data-testid="pending"`.
//!
//! Every line, the shop's, stored or on its way, is a plain `Line` in one list, redrawn in place
//! when the transcript changes. The lines are drawn by hand with the DOM (`Drawn`), touching
//! only what changed: a list view, keyed or not, would cost the widget kilobytes of generated
//! code (and chats are short). Redrawn in place, the log's nodes stay: its live region announces what is
//! added, not the whole conversation again.
//!
//! The log takes the keyboard (`tabindex`) so that it can be scrolled without a mouse: its
//! lines hold nothing else that could.

use crate::chat::Chat;
use crate::live::effect;
use crate::shop_view::ShopView;
use crate::text::{error_text, lang, t, t_with};
use leptos::prelude::*;
use parley_core::message::{Author, Message};
use parley_core::time::UnixMillis;
use parley_core::widget_text::Text;
use parley_core::widget_view::WidgetView;
use std::cell::RefCell;
use web_sys::{Element, Text as TextNode};

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
pub fn MessageLog(chat: Chat, shop_view: ShopView) -> impl IntoView {
    let drawn = RefCell::new(Vec::<Drawn>::new());
    effect(move || {
        let lines = lines(chat, shop_view);
        // Effects first run once the chat is drawn, so the log is there. Found by its class
        // rather than a `NodeRef`: a node ref costs the widget its own signal code.
        let Ok(Some(log)) = document().query_selector(".parley-log") else { return };
        let mut drawn = drawn.borrow_mut();
        let count = lines.len();
        for (at, line) in lines.into_iter().enumerate() {
            match drawn.get_mut(at) {
                Some(shown) => shown.redraw(line),
                None => {
                    let Some(shown) = Drawn::new(line) else { break };
                    let _ = log.append_child(&shown.node);
                    drawn.push(shown);
                }
            }
        }
        let shown = count.min(drawn.len());
        for gone in drawn.drain(shown..) {
            gone.node.remove();
        }
        // Keep the newest line in view.
        log.set_scroll_top(log.scroll_height());
    });
    view! {
        <div class="parley-log" role="log" aria-live="polite" tabindex="0"></div>
    }
}

/// One line on screen: what it shows, and the nodes that show it.
struct Drawn {
    line: Line,
    /// `<div class="parley-message parley-{author}" data-testid data-author>`.
    node: Element,
    /// `<p class="parley-sender">`, hidden without a sender.
    sender: Element,
    /// `<p class="parley-text">`.
    text: Element,
    /// `<time>` in `<p class="parley-state">`, hidden until stored.
    time: Element,
    /// The state's text, after the time and a space.
    state: TextNode,
}

impl Drawn {
    /// `line`'s nodes; `None` only if the browser cannot make elements.
    fn new(line: Line) -> Option<Drawn> {
        let document = document();
        let element = |name: &str, class: &str| {
            let element = document.create_element(name).ok()?;
            element.set_class_name(class);
            Some(element)
        };
        let (node, sender, text) = (element("div", "")?, element("p", "parley-sender")?, element("p", "parley-text")?);
        let (status, time, state) =
            (element("p", "parley-state")?, element("time", "")?, document.create_text_node(""));
        let _ = status.append_with_node_3(&time, &document.create_text_node(" "), &state);
        let _ = node.append_with_node_3(&sender, &text, &status);
        let mut drawn = Drawn { line: line.clone(), node, sender, text, time, state };
        drawn.draw(line, true);
        Some(drawn)
    }

    /// Shows `line` instead, touching only what changed.
    fn redraw(&mut self, line: Line) {
        if line != self.line {
            self.draw(line, false);
        }
    }

    /// Draws what differs from the line shown, or everything when `fresh`.
    fn draw(&mut self, line: Line, fresh: bool) {
        let old = &self.line;
        if fresh || line.author != old.author {
            self.node.set_class_name(&("parley-message parley-".to_owned() + line.author));
            let _ = self.node.set_attribute("data-author", line.author);
        }
        if fresh || line.hook != old.hook {
            let _ = self.node.set_attribute("data-testid", line.hook);
        }
        if fresh || line.sender != old.sender {
            self.sender.set_text_content(line.sender.as_deref());
            let _ = self.sender.toggle_attribute_with_force("hidden", line.sender.is_none());
        }
        if fresh || line.text != old.text {
            self.text.set_text_content(Some(&line.text));
        }
        if fresh || line.at != old.at {
            self.time.set_text_content(line.at.map(local_time).as_deref());
            let _ = self.time.toggle_attribute_with_force("hidden", line.at.is_none());
        }
        if fresh || line.state != old.state {
            self.state.set_data(line.state.as_deref().unwrap_or_default());
        }
        self.line = line;
    }
}

/// What the log shows now (tracked): the shop's lines, then the conversation.
fn lines(chat: Chat, shop_view: ShopView) -> Vec<Line> {
    let mut lines = shop_lines(chat, shop_view);
    if let Some(live) = chat.live.get() {
        live.with_transcript(|transcript| {
            let read_up_to = transcript.conversation().map_or(0, |conversation| conversation.agent_read);
            lines.extend(transcript.messages().iter().map(|message| stored_line(message, read_up_to)));
            for pending in transcript.pending() {
                let state = match &pending.refused {
                    None => t(Text::Sending).to_owned(),
                    Some(error) => t_with(Text::NotSent, &[&error_text(error)]),
                };
                lines.push(on_its_way(pending.text.clone(), state));
            }
        });
    }
    let starting = chat.starting.get();
    if !starting.is_empty() {
        lines.push(on_its_way(starting, t(Text::Sending).to_owned()));
    }
    lines
}

/// What the shop says first (tracked): its greeting, or the widget's own in the shopper's
/// language; how fast it typically replies, when it shows that and has measured it; and, until
/// the shopper writes (the queue's status says it then), that it is closed now.
fn shop_lines(chat: Chat, shop_view: ShopView) -> Vec<Line> {
    let WidgetView { greeting, reply_time, open, .. } = shop_view.view();
    let mut lines = vec![shop_line("greeting", greeting.unwrap_or_else(|| t(Text::Greeting).to_owned()))];
    if let Some(reply_time) = reply_time {
        lines.push(shop_line("reply-time", t(Text::reply_time(reply_time)).to_owned()));
    }
    if !open && !chat.live.with(Option::is_some) {
        lines.push(shop_line("closed", t(Text::ShopClosed).to_owned()));
    }
    lines
}

/// A line of the shop's own, with its test hook.
fn shop_line(hook: &'static str, text: String) -> Line {
    Line { author: Author::System.as_str(), hook, sender: None, text, at: None, state: None }
}

/// One of our own messages not stored yet, and where it is.
fn on_its_way(text: String, state: String) -> Line {
    Line { author: Author::Shopper.as_str(), hook: "pending", sender: None, text, at: None, state: Some(state) }
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
