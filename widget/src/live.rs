//! One type for the view's reactive values of each kind. tachys instantiates its render-effect
//! code for every closure type it is handed (about 1 KB of wasm each); boxed behind `Live<T>`,
//! every reactive `hidden=`, `disabled=` or text of the same `T` shares one copy. Effects
//! likewise (`effect`).

use leptos::prelude::Effect;

/// A reactive value the view redraws when the signals it reads change.
pub type Live<T> = Box<dyn Fn() -> T + Send>;

/// `value` behind the shared type, e.g. `hidden=live(move || error().is_none())`.
pub fn live<T>(value: impl Fn() -> T + Send + 'static) -> Live<T> {
    Box::new(value)
}

/// Runs `work` now and again whenever a signal it read changes: `Effect::new` with the closure
/// boxed, so reactive_graph's effect task is instantiated once for the whole app rather than
/// once per effect (1-2 KB each).
pub fn effect(work: impl Fn() + 'static) {
    let work: Box<dyn Fn()> = Box::new(work);
    Effect::new(work);
}
