//! The decoders face the open internet: a frame or body is whatever a socket or a request
//! carried. Whatever the text, `Json::parse` and every decoder answer a value or an error and
//! never panic; `Json::parse` accepts only real JSON, and reads back exactly what `Json` writes;
//! and serde, which the edge and the console use, reads every text as `Wire`, which the widget
//! uses, does, so both ends of a socket agree on what a frame says.

use crate::arbitrary::{broken, client_frame, json, new_conversation, server_frame, widget_view};
use crate::config::config;
use parley_core::json::Json;
use parley_core::message::Message;
use parley_core::protocol::{ClientFrame, ConversationView, DeskClientFrame, NewConversation, ServerFrame};
use parley_core::widget_view::WidgetView;
use parley_core::wire::Wire;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// Documents of the protocol's words and broken frames, as text.
fn documents() -> impl Strategy<Value = String> {
    prop_oneof![json(), broken(client_frame()), broken(server_frame()), broken(widget_view())]
        .prop_map(|json| json.to_text())
}

/// Text that is JSON, JSON cut short, or anything at all.
fn any_text() -> impl Strategy<Value = String> {
    let cut = (documents(), any::<Index>()).prop_map(|(text, at)| {
        let chars: Vec<char> = text.chars().collect();
        chars[..at.index(chars.len() + 1)].iter().collect()
    });
    let bytes = vec(any::<u8>(), 0..64).prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    prop_oneof![documents(), cut, any::<String>(), bytes]
}

/// What `Wire` reads from `text`, serde reads the same.
fn serde_reads_what_wire_reads<T: Wire + DeserializeOwned + PartialEq + Debug>(
    text: &str,
) -> Result<(), TestCaseError> {
    if let Ok(value) = T::decode(text) {
        prop_assert_eq!(serde_json::from_str::<T>(text).ok(), Some(value), "{}", text);
    }
    Ok(())
}

/// `Wire` and serde accept the same documents as the same values. (Only for text `Json` writes:
/// serde reads a few things `Wire` refuses, such as `-0` or nesting past `Json`'s depth limit.)
fn wire_and_serde_agree<T: Wire + DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(serde_json::from_str::<T>(text).ok(), T::decode(text).ok(), "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_text_is_decoded_or_refused_without_panicking(text in any_text()) {
        if let Ok(json) = Json::parse(&text) {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "not JSON: {}", text);
            prop_assert_eq!(Json::parse(&json.to_text()), Ok(json));
        }
        serde_reads_what_wire_reads::<ClientFrame>(&text)?;
        serde_reads_what_wire_reads::<ServerFrame>(&text)?;
        serde_reads_what_wire_reads::<NewConversation>(&text)?;
        serde_reads_what_wire_reads::<ConversationView>(&text)?;
        serde_reads_what_wire_reads::<Message>(&text)?;
        serde_reads_what_wire_reads::<WidgetView>(&text)?;
        let _ = serde_json::from_str::<DeskClientFrame>(&text);
    }

    #[test]
    fn json_reads_back_what_it_writes(json in json()) {
        let text = json.to_text();
        prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "not JSON: {}", text);
        prop_assert_eq!(Json::parse(&text), Ok(json));
    }

    #[test]
    fn wire_and_serde_read_client_frames_alike(json in broken(client_frame())) {
        wire_and_serde_agree::<ClientFrame>(&json.to_text())?;
    }

    #[test]
    fn wire_and_serde_read_server_frames_alike(json in broken(server_frame())) {
        wire_and_serde_agree::<ServerFrame>(&json.to_text())?;
    }

    #[test]
    fn wire_and_serde_read_new_conversations_alike(json in broken(new_conversation())) {
        wire_and_serde_agree::<NewConversation>(&json.to_text())?;
    }

    #[test]
    fn wire_and_serde_read_widget_views_alike(json in broken(widget_view())) {
        wire_and_serde_agree::<WidgetView>(&json.to_text())?;
    }
}
