//! The shop's canned answers as the console holds them: loaded from the edge
//! (`GET /api/shops/{shop}/canned-answers`) when the list is first wanted and again each time
//! it opens, so answers an owner adds meanwhile appear; and each insertion counted
//! (`POST …/{id}/uses`), which owners see. Matching is core's (`canned::matching`).

use crate::api::get_json;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use parley_client::request;
use parley_core::canned::{self, CannedAnswer};
use parley_core::ids::ShopId;

/// The most answers the list shows at once: more would not help picking.
const MOST_SHOWN: usize = 8;

/// The shop's canned answers; copies share them.
#[derive(Clone, Copy)]
pub struct CannedAnswers {
    path: StoredValue<String>,
    answers: RwSignal<Vec<CannedAnswer>>,
    /// Why the answers could not be loaded, shown in the list.
    problem: RwSignal<Option<String>>,
}

impl CannedAnswers {
    /// The canned answers of `shop`, not loaded yet.
    pub fn of(shop: &ShopId) -> CannedAnswers {
        CannedAnswers {
            path: StoredValue::new(format!("/api/shops/{shop}/canned-answers")),
            answers: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
        }
    }

    /// Loads them again from the edge.
    pub fn refresh(&self) {
        let (answers, problem, path) = (self.answers, self.problem, self.path.get_value());
        spawn_local_scoped(async move {
            match get_json::<Vec<CannedAnswer>>(&path).await {
                Ok(loaded) => {
                    answers.set(loaded);
                    problem.set(None);
                }
                Err(error) => problem.set(Some(format!("Canned answers could not be loaded: {}", error.message))),
            }
        });
    }

    /// The answers matching what was typed after `/`, best first, at most [`MOST_SHOWN`]
    /// (tracked).
    pub fn matching(&self, query: &str) -> Vec<CannedAnswer> {
        self.answers.with(|answers| canned::matching(answers, query).into_iter().take(MOST_SHOWN).cloned().collect())
    }

    /// Why they could not be loaded, if they could not (tracked).
    pub fn problem(&self) -> Option<String> {
        self.problem.get()
    }

    /// Counts one use of the answer `id`. A count that fails to reach the edge is only logged:
    /// the agent's message matters more than the statistic.
    pub fn record_use(&self, id: &str) {
        let path = format!("{}/{id}/uses", self.path.get_value());
        spawn_local_scoped(async move {
            if let Err(error) = request("POST", &path, Some("{}")).await {
                leptos::logging::warn!("a canned answer's use was not counted: {}", error.message);
            }
        });
    }
}
