//! Parley's agent console: agents sign in, watch their shop's queue live, claim conversations,
//! answer shoppers in several chats at once (with internal notes, typing, read marks and
//! canned answers), transfer and resolve them, see who the shopper is and how they rated the
//! chat, hear of new chats and messages, work from the keyboard, look back on the shop's
//! history (filters, search, past transcripts, a shopper's earlier conversations and notes
//! that follow them), and watch the shop's first-response and satisfaction dashboard. The
//! edge serves it at `/console`.

mod alerts;
mod api;
mod app;
mod attention;
mod beep;
mod browser_notification;
mod canned_answers;
mod canned_answers_card;
mod canned_picker;
mod card;
mod chat;
mod checklist;
mod clock;
mod composer;
mod contact_email;
mod copy_button;
mod dashboard;
mod date_range;
mod dead_letters;
mod desk;
mod desk_keys;
mod earlier_conversations;
mod entry;
mod entry_card;
mod exports;
mod form_errors;
mod format;
mod frt_chart;
mod frt_histogram;
mod history;
mod history_entry;
mod hours_editor;
mod identity_examples;
mod install;
mod invite_form;
mod issued_link;
mod join;
mod launcher_preview;
mod link_notice;
mod link_page;
mod login;
mod main_view;
mod message_log;
mod my_account;
mod my_chats;
mod open_chats;
mod origins_editor;
mod password_reset;
mod past_conversation;
mod queue;
mod rating;
mod roles;
mod secret_field;
mod select_field;
mod session;
mod settings_draft;
mod settings_tab;
mod shop_history;
mod shopper_details;
mod shopper_notes;
mod shopper_page;
mod shortcuts;
mod signup;
mod slash_command;
mod team;
mod team_member;
mod text_field;
mod time_text;
mod time_zone_field;
mod transfer;
mod unanswered;
mod wait_urgency;
mod webhook_fields;
mod workspace;

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the page's module script calls `init()`.
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
