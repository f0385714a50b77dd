//! The shop's canned answers, for its owners: each with its title, its shortcut (what agents
//! type after `/` in the composer), its text and translations, and how often agents used it;
//! a form to add one or change the one picked, with the edge's refusal beside its field; and
//! deleting one. Test hooks: each answer a `canned-answer` (with `canned-uses`, `canned-edit`
//! and `canned-delete`), the form's `canned-title`, `canned-shortcut`, `canned-text`,
//! `canned-text-hu`, `canned-text-pl` and `canned-save`.

use crate::api::{delete, get_json, post_json, put_json};
use crate::card::Card;
use crate::form_errors::{FieldError, FormErrors, GeneralError};
use crate::text_field::TextField;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_core::canned::{CannedAnswer, CannedDraft};
use parley_core::ids::ShopId;
use parley_core::locale::Locale;
use std::collections::BTreeMap;

const FIELDS: &[&str] = &["title", "shortcut", "text", "translations"];

/// The languages an answer may have a text of its own in (every one the chat speaks but the
/// default text's), each with the field the edge names in a refusal of it.
const TRANSLATED: [(Locale, &str); 2] = [(Locale::Hungarian, "translations.hu"), (Locale::Polish, "translations.pl")];

#[component]
pub fn CannedAnswersCard(shop: ShopId) -> impl IntoView {
    let answers = RwSignal::new(Vec::<CannedAnswer>::new());
    let errors = FormErrors::new(FIELDS);
    let editing = RwSignal::new(None::<String>);
    let title = RwSignal::new(String::new());
    let shortcut = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let translations = TRANSLATED.map(|(locale, field)| (locale, field, RwSignal::new(String::new())));
    let path = StoredValue::new(format!("/api/shops/{shop}/canned-answers"));
    let reload = move || {
        spawn_local_scoped(async move {
            match get_json::<Vec<CannedAnswer>>(&path.get_value()).await {
                Ok(listed) => answers.set(listed),
                Err(refused) => errors.show(refused),
            }
        });
    };
    reload();
    let clear = move || {
        editing.set(None);
        for field in [title, shortcut, text] {
            field.set(String::new());
        }
        for (_, _, translation) in translations {
            translation.set(String::new());
        }
    };
    let edit = move |answer: CannedAnswer| {
        errors.clear();
        title.set(answer.title);
        shortcut.set(answer.shortcut);
        text.set(answer.text);
        for (locale, _, translation) in translations {
            translation.set(answer.translations.get(locale.tag()).cloned().unwrap_or_default());
        }
        editing.set(Some(answer.id));
    };
    let save = move |event: SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let draft = CannedDraft {
            title: title.get_untracked(),
            shortcut: shortcut.get_untracked(),
            text: text.get_untracked(),
            translations: translations
                .into_iter()
                .map(|(locale, _, translation)| (locale.tag().to_owned(), translation.get_untracked()))
                .filter(|(_, translation)| !translation.trim().is_empty())
                .collect::<BTreeMap<_, _>>(),
        };
        let editing_id = editing.get_untracked();
        spawn_local_scoped(async move {
            let saved = match editing_id {
                Some(id) => put_json::<_, CannedAnswer>(&format!("{}/{id}", path.get_value()), &draft).await,
                None => post_json::<_, CannedAnswer>(&path.get_value(), &draft).await,
            };
            match saved {
                Ok(_) => {
                    clear();
                    reload();
                }
                // The form keeps what the owner typed, with why it was refused.
                Err(refused) => errors.show(refused),
            }
        });
    };
    let remove = move |id: String| {
        spawn_local_scoped(async move {
            match delete(&format!("{}/{id}", path.get_value())).await {
                Ok(()) => reload(),
                Err(refused) => errors.show(refused),
            }
        });
    };
    view! {
        <Card id="settings-canned" title="Canned answers" wide=true>
            <p class="field-hint">
                "Agents insert these by typing / and the shortcut in a chat. "
                "{shopper.name} and {agent.name} are filled in; {shopper.name|there} says \"there\" when the name is unknown."
            </p>
            <ul class="canned-answers">
                <For
                    each=move || answers.get()
                    key=|answer| (answer.id.clone(), answer.uses, answer.title.clone(), answer.shortcut.clone(), answer.text.clone())
                    children=move |answer| {
                        let (for_edit, id) = (answer.clone(), answer.id.clone());
                        view! {
                            <li class="canned-answer" data-testid="canned-answer">
                                <span class="canned-shortcut">"/" {answer.shortcut}</span>
                                <span class="canned-title">{answer.title}</span>
                                <span class="canned-uses" data-testid="canned-uses">
                                    {format!("used {} time{}", answer.uses, if answer.uses == 1 { "" } else { "s" })}
                                </span>
                                <span class="canned-text">{answer.text}</span>
                                <button type="button" class="button small" data-testid="canned-edit" on:click=move |_| edit(for_edit.clone())>
                                    "Edit"
                                </button>
                                <button type="button" class="button small" data-testid="canned-delete" on:click=move |_| remove(id.clone())>
                                    "Delete"
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
            <form class="canned-form" on:submit=save>
                <GeneralError errors testid="canned-error" />
                <TextField id="canned-title" label="Title" value=title errors field="title" required=true />
                <TextField id="canned-shortcut" label="Shortcut" value=shortcut errors field="shortcut" hint="Letters, digits, - and _: agents type /shortcut" required=true />
                <div class="form-field">
                    <label class="field-label" for="canned-text">"Text"</label>
                    <textarea id="canned-text" class="field" data-testid="canned-text" rows="3" required aria-describedby="canned-text-error" bind:value=text></textarea>
                    <FieldError errors field="text" id="canned-text-error" />
                </div>
                {translations
                    .into_iter()
                    .map(|(locale, field, translation)| {
                        let id = format!("canned-text-{}", locale.tag());
                        let error_id = format!("{id}-error");
                        let label = format!("Text in {} (optional)", language_name(locale));
                        view! {
                            <div class="form-field">
                                <label class="field-label" for=id.clone()>{label}</label>
                                <textarea id=id.clone() class="field" data-testid=id rows="2" aria-describedby=error_id.clone() bind:value=translation></textarea>
                                <FieldError errors field id=error_id />
                            </div>
                        }
                    })
                    .collect_view()}
                <div class="form-actions">
                    <button type="submit" class="button primary" data-testid="canned-save">
                        {move || if editing.get().is_some() { "Save the answer" } else { "Add the answer" }}
                    </button>
                    {move || editing.get().map(|_| view! {
                        <button type="button" class="button" on:click=move |_| clear()>"Cancel"</button>
                    })}
                </div>
            </form>
        </Card>
    }
}

fn language_name(locale: Locale) -> &'static str {
    match locale {
        Locale::English => "English",
        Locale::Hungarian => "Hungarian",
        Locale::Polish => "Polish",
    }
}
