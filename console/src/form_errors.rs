//! A form's refusal, shown where it belongs. The edge names the field it refused as a path into
//! the request's JSON (`ApiError.field`: `password`, `launcher.color`, `allowed_origins[1]`), so
//! each field of a form shows the refusals about it or anything inside it (`hours.monday` goes
//! to the hours), and whatever no field of the form claims is shown at the top.

use leptos::prelude::*;
use parley_core::protocol::ApiError;

/// The latest refusal of one form; copies share it.
#[derive(Clone, Copy)]
pub struct FormErrors {
    refusal: RwSignal<Option<ApiError>>,
    /// The paths the form shows beside a field of its own.
    fields: &'static [&'static str],
}

impl FormErrors {
    /// For a form with a place for refusals of each of `fields`.
    pub fn new(fields: &'static [&'static str]) -> FormErrors {
        FormErrors { refusal: RwSignal::new(None), fields }
    }

    pub fn show(&self, refusal: ApiError) {
        self.refusal.set(Some(refusal));
    }

    pub fn clear(&self) {
        self.refusal.set(None);
    }

    /// The message for `field`, if the refusal is about it (tracked).
    pub fn about(&self, field: &str) -> Option<String> {
        self.refusal.with(|refusal| {
            refusal
                .as_ref()
                .filter(|refusal| refusal.field.as_deref().is_some_and(|path| lies_in(path, field)))
                .map(|refusal| refusal.message.clone())
        })
    }

    /// The message no field of the form shows (tracked).
    pub fn general(&self) -> Option<String> {
        let fields = self.fields;
        self.refusal.with(|refusal| {
            refusal
                .as_ref()
                .filter(|refusal| {
                    refusal.field.as_deref().is_none_or(|path| !fields.iter().any(|field| lies_in(path, field)))
                })
                .map(|refusal| refusal.message.clone())
        })
    }
}

/// Whether `path` is `field` or lies inside it: `hours.monday[0]` lies in `hours` and in
/// `hours.monday`, but `hours_note` does not lie in `hours`.
fn lies_in(path: &str, field: &str) -> bool {
    path.strip_prefix(field).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Where a field's refusal shows: always there (empty until then), so the field can point at
/// it with `aria-describedby`, and announced when it says something.
#[component]
pub fn FieldError(errors: FormErrors, field: &'static str, #[prop(into)] id: String) -> impl IntoView {
    let testid = id.clone();
    view! {
        <p class="field-error" id=id data-testid=testid role="alert">
            {move || errors.about(field)}
        </p>
    }
}

/// What the form says at the top: refusals about no field of its own.
#[component]
pub fn GeneralError(errors: FormErrors, #[prop(into)] testid: String) -> impl IntoView {
    move || {
        errors.general().map(|message| view! { <p class="error" role="alert" data-testid=testid.clone()>{message}</p> })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_lies_in_the_fields_that_contain_it() {
        for (path, field, expected) in [
            ("password", "password", true),
            ("launcher.color", "launcher.color", true),
            ("launcher.color", "launcher", true),
            ("hours.monday[0]", "hours", true),
            ("allowed_origins[1]", "allowed_origins", true),
            ("hours_note", "hours", false),
            ("launcher", "launcher.color", false),
            ("shop_name", "shop", false),
        ] {
            assert_eq!(lies_in(path, field), expected, "{path} in {field}");
        }
    }
}
