//! A short chime when an agent answers while the shopper is not looking (the panel closed, or
//! the shop's tab in the background), unless they turned it off with the header's sound
//! toggle; the choice is remembered in this browser. Played with Web Audio, so there is no
//! sound file to download. The toggle's `data-chimes` counts the chimes played (a test hook:
//! headless browsers play to no speaker).

use leptos::prelude::*;
use std::cell::OnceCell;
use web_sys::{AudioContext, Storage};

const STORAGE_KEY: &str = "parley.sound";
const OFF: &str = "off";
/// A soft high A, falling silent over a third of a second.
const PITCH_HZ: f32 = 880.0;
const LENGTH_SECONDS: f64 = 0.3;

thread_local! {
    /// The audio chimes play on, made on the first chime (browsers let a frame the shopper has
    /// used play sound). One for the page, like the chime, and kept outside the reactive arena:
    /// a `StoredValue` type of its own would cost the widget a copy of the arena's code.
    static AUDIO: OnceCell<AudioContext> = const { OnceCell::new() };
}

/// The sound setting; copies share it.
#[derive(Clone, Copy)]
pub struct Chime {
    /// The setting as this browser remembers it: `off`, or empty while chimes play. A string
    /// like the draft's rather than a `bool`: each signal type costs the widget its own copy of
    /// the signal code.
    setting: RwSignal<String>,
    played: RwSignal<u32>,
}

impl Chime {
    /// On, unless the shopper turned it off before.
    pub fn new() -> Chime {
        let remembered = storage().and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten());
        let setting = remembered.filter(|setting| setting == OFF).unwrap_or_default();
        Chime { setting: RwSignal::new(setting), played: RwSignal::new(0) }
    }

    /// Whether chimes play (tracked).
    pub fn is_on(&self) -> bool {
        self.setting.with(String::is_empty)
    }

    /// How many chimes played (tracked).
    pub fn played(&self) -> u32 {
        self.played.get()
    }

    /// Turns the chime off or on again, and remembers it.
    pub fn toggle(&self) {
        let on = !untrack(|| self.is_on());
        self.setting.set(if on { String::new() } else { OFF.to_owned() });
        if let Some(storage) = storage() {
            // Remembering is a convenience: without storage, the choice lasts for this page.
            let _ = if on { storage.remove_item(STORAGE_KEY) } else { storage.set_item(STORAGE_KEY, OFF) };
        }
    }

    /// Chimes, if the shopper wants chimes.
    pub fn ring(&self) {
        if !untrack(|| self.is_on()) {
            return;
        }
        if self.play().is_err() {
            leptos::logging::warn!("cannot play the chat's chime");
        }
        self.played.update(|played| *played += 1);
    }

    fn play(&self) -> Result<(), wasm_bindgen::JsValue> {
        let audio = match AUDIO.with(|audio| audio.get().cloned()) {
            Some(audio) => audio,
            None => AUDIO.with(|audio| AudioContext::new().map(|made| audio.get_or_init(|| made).clone()))?,
        };
        let now = audio.current_time();
        let tone = audio.create_oscillator()?;
        tone.frequency().set_value(PITCH_HZ);
        let volume = audio.create_gain()?;
        volume.gain().set_value_at_time(0.2, now)?;
        volume.gain().exponential_ramp_to_value_at_time(0.001, now + LENGTH_SECONDS)?;
        tone.connect_with_audio_node(&volume)?;
        volume.connect_with_audio_node(&audio.destination())?;
        tone.start()?;
        tone.stop_with_when(now + LENGTH_SECONDS)
    }
}

fn storage() -> Option<Storage> {
    window().local_storage().ok().flatten()
}
