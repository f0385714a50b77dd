//! A short beep through WebAudio, made on the spot: no sound file to download. Browsers let a
//! page play sound once the agent has interacted with it; until then the beep is silent.

use wasm_bindgen::JsValue;
use web_sys::{AudioContext, AudioContextState};

/// The tone: an A, soft, a quarter of a second long.
const PITCH_HZ: f32 = 880.0;
const LOUDNESS: f32 = 0.2;
const SECONDS: f64 = 0.25;

/// Plays the beep on `audio`, waking it if the browser suspended it.
pub fn beep(audio: &AudioContext) -> Result<(), JsValue> {
    if audio.state() == AudioContextState::Suspended {
        // Refused until the agent has interacted with the page: the beep is silent meanwhile.
        let _ = audio.resume()?;
    }
    let at = audio.current_time();
    let tone = audio.create_oscillator()?;
    let volume = audio.create_gain()?;
    tone.frequency().set_value(PITCH_HZ);
    volume.gain().set_value_at_time(LOUDNESS, at)?;
    // Fading out rather than stopping dead avoids a click.
    volume.gain().exponential_ramp_to_value_at_time(0.001, at + SECONDS)?;
    tone.connect_with_audio_node(&volume)?;
    volume.connect_with_audio_node(&audio.destination())?;
    tone.start_with_when(at)?;
    tone.stop_with_when(at + SECONDS)
}
