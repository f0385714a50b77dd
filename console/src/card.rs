//! A card of the workspace's pages (the dashboard's figures, the team, the settings): a section
//! labelled by its heading (`{id}-heading`), across the whole row when `wide`.

use leptos::prelude::*;

#[component]
pub fn Card(id: &'static str, title: &'static str, #[prop(optional)] wide: bool, children: Children) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class=if wide { "card wide" } else { "card" } aria-labelledby=labelled_by>
            <h3 class="card-heading" id=heading>
                {title}
            </h3>
            {children()}
        </section>
    }
}
