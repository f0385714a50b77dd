//! The shop's industry, chosen in its settings, and the published average first-response time
//! of live chat in it, which the dashboard draws beside the shop's own median.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Industry {
    Retail,
    Technology,
    Banking,
    Travel,
    OnlineGames,
}

/// A published range of average first-response times, in hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    pub low_hours: u32,
    pub high_hours: u32,
}

impl Industry {
    pub const ALL: [Industry; 5] =
        [Industry::Retail, Industry::Technology, Industry::Banking, Industry::Travel, Industry::OnlineGames];

    /// The industry's published average first-response time.
    pub fn benchmark(self) -> Benchmark {
        let (low_hours, high_hours) = match self {
            Industry::Retail => (1, 3),
            Industry::Technology => (1, 2),
            Industry::Banking => (2, 4),
            Industry::Travel => (3, 6),
            Industry::OnlineGames => (1, 2),
        };
        Benchmark { low_hours, high_hours }
    }

    /// Its name, as the console shows it.
    pub fn name(self) -> &'static str {
        match self {
            Industry::Retail => "Retail",
            Industry::Technology => "Technology",
            Industry::Banking => "Banking",
            Industry::Travel => "Travel",
            Industry::OnlineGames => "Online games",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_industry_has_its_published_range() {
        let ranges: Vec<(Industry, u32, u32)> =
            Industry::ALL.iter().map(|i| (*i, i.benchmark().low_hours, i.benchmark().high_hours)).collect();
        assert_eq!(
            ranges,
            vec![
                (Industry::Retail, 1, 3),
                (Industry::Technology, 1, 2),
                (Industry::Banking, 2, 4),
                (Industry::Travel, 3, 6),
                (Industry::OnlineGames, 1, 2),
            ]
        );
        assert_eq!(serde_json::to_string(&Industry::OnlineGames).ok().as_deref(), Some("\"online_games\""));
    }
}
