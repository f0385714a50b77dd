//! What shoppers will see, as the owner edits it: the launcher in its corner, in the shop's
//! colour with the readable text colour core picks for it, and the chat's header and greeting
//! above it, with the typical reply time when it is shown. Colours are set through the CSS
//! object model, which the console's CSP allows (it forbids inline style attributes).
//! Test hooks: `preview-launcher`, `preview-greeting`.

use crate::settings_draft::SettingsDraft;
use leptos::prelude::*;
use parley_core::color::Rgb;
use parley_core::launcher::DEFAULT_COLOR;
use parley_core::locale::Locale;
use parley_core::widget_text::{word, Text};

#[component]
pub fn LauncherPreview(draft: SettingsDraft, shop_name: String) -> impl IntoView {
    // A colour being typed may not be one yet: the preview keeps Parley's own until it is.
    let color = Memo::new(move |_| draft.launcher_color.with(|color| Rgb::parse(color).unwrap_or(DEFAULT_COLOR)));
    let background = move || color.get().to_string();
    let ink = move || color.get().readable_text().to_string();
    let on_the_left = move || draft.launcher_position.with(|position| position == "left");
    let launcher_text =
        move || draft.launcher_text.with(|text| Some(text.trim().to_owned()).filter(|text| !text.is_empty()));
    let greeting = move || {
        draft.greeting_text.with(|text| match text.trim() {
            "" => word(Locale::English, Text::Greeting).to_owned(),
            text => text.to_owned(),
        })
    };
    view! {
        <figure class="launcher-preview" aria-labelledby="preview-caption">
            <figcaption class="card-subheading" id="preview-caption">
                "How shoppers see it"
            </figcaption>
            <div class="preview-page" class:left=on_the_left>
                <div class="preview-chat">
                    <p class="preview-header" style:background-color=background style:color=ink>
                        {shop_name}
                    </p>
                    <p class="preview-greeting" data-testid="preview-greeting">
                        {greeting}
                    </p>
                    <Show when=move || draft.show_reply_time.get()>
                        <p class="preview-reply-time">"Typically replies in a few minutes"</p>
                    </Show>
                </div>
                <span class="preview-launcher" data-testid="preview-launcher" style:background-color=background style:color=ink>
                    <span class="visually-hidden">"The launcher: "</span>
                    <svg viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2z"></path>
                    </svg>
                    {launcher_text}
                </span>
            </div>
            <p class="field-hint">
                "Without a greeting of yours, the widget greets in the shopper's language. The reply time is your median first response of the last 7 days in opening hours, shown once there are 5 of them."
            </p>
        </figure>
    }
}
