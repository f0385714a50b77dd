//! One type for the view's reactive values of each kind. tachys instantiates its render-effect
//! code for every closure type it is handed (about 1 KB of wasm each); boxed behind `Live<T>`,
//! every reactive `hidden=`, `disabled=` or text of the same `T` shares one copy. Effects
//! likewise (`effect`), and event handlers of the same event (`on`, `on_submit`, `keep_in`).

use leptos::ev::{Event, SubmitEvent};
use leptos::prelude::{event_target_value, Effect, RwSignal, Set};

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

/// An event handler behind the shared type of its event's handlers.
pub type Handler<E> = Box<dyn FnMut(E)>;

/// `act` behind the shared type, e.g. `on:click=on(move |_| embedder.close_panel())`: tachys'
/// event code is then instantiated once per event rather than once per handler.
pub fn on<E>(act: impl FnMut(E) + 'static) -> Handler<E> {
    Box::new(act)
}

/// A form's submit handler: the browser's own submit is stopped and `act` runs.
pub fn on_submit(act: impl Fn() + 'static) -> Handler<SubmitEvent> {
    on(move |event: SubmitEvent| {
        event.prevent_default();
        act();
    })
}

/// An input handler keeping `value` equal to what the field holds.
pub fn keep_in(value: RwSignal<String>) -> Handler<Event> {
    on(move |event| value.set(event_target_value(&event)))
}
