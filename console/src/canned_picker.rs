//! The canned answers' list in the composer: typing `/` and a few letters opens it under the
//! caret's word, filtered as the agent types (core's matching); arrow keys pick, Enter (or Tab)
//! inserts the picked answer in place of the `/` word, with `{shopper.name}` and
//! `{agent.name}` filled and in the shopper's language if it has one, and Escape closes it.
//! Clicking an answer inserts it too. Each insertion counts a use.
//!
//! Accessible as a combobox's list: the text box keeps the keyboard and names the picked
//! option with `aria-activedescendant`; the list is a `listbox` of `option`s. Test hook:
//! `data-testid="canned-option"`.

use crate::canned_answers::CannedAnswers;
use crate::open_chats::OpenChat;
use crate::slash_command::{self, SlashQuery};
use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;
use parley_core::canned::{fill, CannedAnswer, Placeholders};
use parley_core::locale::Locale;

/// The list's element id, which the text box names.
pub const LIST_ID: &str = "canned-list";

/// The list's state for one composer; copies share it.
#[derive(Clone, Copy)]
pub struct CannedPicker {
    canned: CannedAnswers,
    chat: OpenChat,
    agent_name: Signal<Option<String>>,
    input: NodeRef<Textarea>,
    /// Where the caret is in the text box, in UTF-16 units.
    caret: RwSignal<usize>,
    /// The `/` word (by its start) whose list the agent closed with Escape.
    dismissed: RwSignal<Option<usize>>,
    /// The picked option's position.
    active: RwSignal<usize>,
    slash: Memo<Option<SlashQuery>>,
    options: Memo<Vec<CannedAnswer>>,
    open: Memo<bool>,
}

impl CannedPicker {
    pub fn new(
        canned: CannedAnswers,
        chat: OpenChat,
        agent_name: Signal<Option<String>>,
        input: NodeRef<Textarea>,
    ) -> CannedPicker {
        let caret = RwSignal::new(0);
        let dismissed = RwSignal::new(None);
        let active = RwSignal::new(0);
        let draft = chat.draft;
        let slash = Memo::new(move |_| draft.with(|draft| slash_command::at_caret(draft, caret.get())));
        let open = Memo::new(move |_| {
            slash.with(|slash| slash.as_ref().is_some_and(|slash| dismissed.get() != Some(slash.start)))
        });
        let options = Memo::new(move |_| match slash.get() {
            Some(slash) if open.get() => canned.matching(&slash.query),
            _ => Vec::new(),
        });
        // Each opening loads the answers afresh: an owner may have added one meanwhile.
        Effect::new(move |was_open: Option<bool>| {
            let is_open = open.get();
            if is_open && was_open != Some(true) {
                canned.refresh();
            }
            is_open
        });
        // A new query picks its best match; a `/` word gone forgets that it was closed.
        Effect::new(move || {
            if slash.with(Option::is_none) {
                dismissed.set(None);
            }
            slash.track();
            active.set(0);
        });
        CannedPicker { canned, chat, agent_name, input, caret, dismissed, active, slash, options, open }
    }

    /// Notes where the caret is now (after typing, clicking or moving it).
    pub fn follow_caret(&self) {
        if let Some(input) = self.input.get_untracked() {
            if let Ok(Some(at)) = input.selection_start() {
                self.caret.set(at as usize);
            }
        }
    }

    /// Handles a key pressed in the text box while the list is open; answers whether it did,
    /// in which case nothing else may (Enter must not send, Escape must not leave the box).
    pub fn handle_key(&self, event: &KeyboardEvent) -> bool {
        if !self.open.get_untracked() || event.is_composing() {
            return false;
        }
        let count = self.options.with_untracked(Vec::len);
        match event.key().as_str() {
            "Escape" => self.dismissed.set(self.slash.with_untracked(|slash| slash.as_ref().map(|slash| slash.start))),
            "ArrowDown" if count > 0 => self.active.update(|at| *at = (*at + 1) % count),
            "ArrowUp" if count > 0 => self.active.update(|at| *at = (*at + count - 1) % count),
            "Enter" | "Tab" if count > 0 && !event.shift_key() => {
                let picked = self.options.with_untracked(|options| options.get(self.active.get_untracked()).cloned());
                if let Some(answer) = picked {
                    self.insert(&answer);
                }
            }
            _ => return false,
        }
        event.prevent_default();
        true
    }

    /// Puts `answer`, filled, in place of the `/` word, and counts the use.
    fn insert(&self, answer: &CannedAnswer) {
        let Some(slash) = self.slash.get_untracked() else { return };
        let text = self.filled(answer);
        let (draft, caret) = self.chat.draft.with_untracked(|draft| slash_command::replace(draft, &slash, &text));
        self.chat.draft.set(draft);
        self.caret.set(caret);
        self.canned.record_use(&answer.id);
        let input = self.input;
        // Once the box shows the new text, the caret goes after the answer.
        request_animation_frame(move || {
            if let Some(input) = input.get_untracked() {
                let at = u32::try_from(caret).unwrap_or(u32::MAX);
                // A refused selection leaves the caret at the end, which serves as well.
                let _ = input.set_selection_range(at, at);
                let _ = input.focus();
            }
        });
    }

    /// The answer's text for this chat's shopper, with the names filled in (tracked).
    fn filled(&self, answer: &CannedAnswer) -> String {
        let (shopper_name, locale): (Option<String>, Option<Locale>) = self.chat.live.with_transcript(|transcript| {
            transcript
                .conversation()
                .map(|view| (view.shopper_name().map(str::to_owned), view.locale))
                .unwrap_or_default()
        });
        let agent_name = self.agent_name.get();
        let names = Placeholders { shopper_name: shopper_name.as_deref(), agent_name: agent_name.as_deref() };
        fill(answer.text_for(locale), names)
    }

    /// Whether the list is open (tracked).
    pub fn is_open(&self) -> bool {
        self.open.get()
    }

    /// The picked option's element id while the list shows options (tracked).
    pub fn active_option_id(&self) -> Option<String> {
        let at = self.active.get();
        self.options.with(|options| options.get(at).map(|answer| option_id(&answer.id)))
    }

    /// Whether the list has options to show (tracked).
    pub fn has_options(&self) -> bool {
        self.options.with(|options| !options.is_empty())
    }
}

fn option_id(answer_id: &str) -> String {
    format!("canned-option-{answer_id}")
}

/// The list, above the text box while open.
#[component]
pub fn CannedList(picker: CannedPicker) -> impl IntoView {
    let query = move || picker.slash.with(|slash| slash.as_ref().map(|slash| slash.query.clone()).unwrap_or_default());
    view! {
        <Show when=move || picker.is_open()>
            <div class="canned-popup">
                <Show
                    when=move || picker.has_options()
                    fallback=move || {
                        let said = picker
                            .canned
                            .problem()
                            .unwrap_or_else(|| format!("No canned answer matches “/{}”.", query()));
                        view! { <p class="canned-empty" role="status">{said}</p> }
                    }
                >
                    <ul class="canned-list" role="listbox" id=LIST_ID aria-label="Canned answers">
                        <For
                            each=move || picker.options.get().into_iter().enumerate()
                            key=|(at, answer)| (*at, answer.id.clone())
                            children=move |(at, answer)| view! { <CannedOption picker at answer /> }
                        />
                    </ul>
                </Show>
            </div>
        </Show>
    }
}

#[component]
fn CannedOption(picker: CannedPicker, at: usize, answer: CannedAnswer) -> impl IntoView {
    let picked = move || picker.active.get() == at;
    let preview = {
        let answer = answer.clone();
        move || picker.filled(&answer)
    };
    let id = option_id(&answer.id);
    let shortcut = format!("/{}", answer.shortcut);
    let title = answer.title.clone();
    view! {
        <li
            class="canned-option"
            class:picked=picked
            role="option"
            id=id
            data-testid="canned-option"
            aria-selected=move || if picked() { "true" } else { "false" }
            // Keeps the keyboard in the text box, where typing goes on.
            on:mousedown=move |event| {
                event.prevent_default();
                picker.insert(&answer);
            }
        >
            <span class="canned-head">
                <span class="canned-shortcut">{shortcut}</span>
                <span class="canned-title">{title}</span>
            </span>
            <span class="canned-text">{preview}</span>
        </li>
    }
}
