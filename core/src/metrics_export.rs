//! The metrics export, `GET /api/shops/{shop}/exports/metrics.csv`: a report (`metrics`) as a
//! spreadsheet, one row per UTC day of the window (`MetricsReport::by_day`) and a last row,
//! `total`, for the whole window. Durations are in seconds to the millisecond, shares in
//! percent to 3 decimals, as in the JSON report; an empty cell is a figure with nothing to
//! measure.

use crate::csv::{self, Cell};
use crate::metrics::{Csat, MetricsReport, Summary};
use crate::utc_date;

const COLUMNS: [&str; 10] = [
    "day",
    "first_responses",
    "frt_median_seconds",
    "frt_p90_seconds",
    "frt_mean_seconds",
    "within_target_percent",
    "waiting_past_target",
    "resolved",
    "ratings",
    "csat_percent",
];

/// The figures of one row, whatever its span.
struct Figures<'a> {
    frt: &'a Summary,
    within_target_percent: Option<f64>,
    waiting_past_target: u64,
    resolved: u64,
    csat: &'a Csat,
}

fn row(label: &str, figures: Figures) -> String {
    csv::row(&[
        Cell::Text(label),
        Cell::number(Some(figures.frt.count)),
        Cell::number(figures.frt.median),
        Cell::number(figures.frt.p90),
        Cell::number(figures.frt.mean),
        Cell::number(figures.within_target_percent),
        Cell::number(Some(figures.waiting_past_target)),
        Cell::number(Some(figures.resolved)),
        Cell::number(Some(figures.csat.count)),
        Cell::number(figures.csat.satisfied_percent),
    ])
}

/// The report as CSV: the header, each day, then the window's total.
pub fn metrics_csv(report: &MetricsReport) -> String {
    let days = report.by_day.iter().map(|day| {
        row(
            &utc_date::date(day.day),
            Figures {
                frt: &day.frt_seconds,
                within_target_percent: day.within_target_percent,
                waiting_past_target: day.waiting_past_target,
                resolved: day.resolved,
                csat: &day.csat,
            },
        )
    });
    let total = row(
        "total",
        Figures {
            frt: &report.frt_seconds,
            within_target_percent: report.within_target_percent,
            waiting_past_target: report.waiting_past_target,
            resolved: report.resolution_seconds.count,
            csat: &report.csat,
        },
    );
    std::iter::once(csv::header(&COLUMNS)).chain(days).chain([total]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgentId, ConversationId};
    use crate::metrics::report;
    use crate::metrics_aggregate::{MetricsAggregate, ResponseSample};
    use crate::metrics_window::{MetricsWindow, UtcHour};
    use crate::time::UnixMillis;

    const DAY: u64 = 24 * 3600;

    /// A fake clock: seconds after 2024-01-01T00:00:00Z.
    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_704_067_200_000 + seconds * 1000)
    }

    fn first(n: u64, at_second: u64, millis: u64) -> (UtcHour, MetricsAggregate) {
        let mut hour = MetricsAggregate::default();
        let sample = ResponseSample {
            conversation_id: ConversationId::parse(&format!("{n:032x}")).expect("valid id"),
            agent: AgentId::parse("ana@demo.test").expect("valid email"),
            at: at(at_second),
            calendar_millis: millis,
            business_millis: millis,
        };
        hour.add_first_response(&sample, 60);
        (UtcHour::containing(sample.at), hour)
    }

    #[test]
    fn a_row_per_day_then_the_total() {
        // One first response a day: every percentile is exact.
        let hours = vec![first(1, 10, 5800), first(2, DAY + 10, 90_001)];
        let window = MetricsWindow::new(at(0), at(2 * DAY)).expect("two days");
        let waiting = [at(DAY + 100)];
        let csv = metrics_csv(&report(window, 60, None, &hours, &waiting, at(2 * DAY)));
        let expected = [
            "day,first_responses,frt_median_seconds,frt_p90_seconds,frt_mean_seconds,within_target_percent,\
             waiting_past_target,resolved,ratings,csat_percent",
            "2024-01-01,1,5.8,5.8,5.8,100,0,0,0,",
            "2024-01-02,1,90.001,90.001,90.001,0,1,0,0,",
            "total,2,5.8,90.001,47.901,33.333,1,0,0,",
            "",
        ]
        .join("\r\n");
        assert_eq!(csv, expected);
    }

    #[test]
    fn an_empty_window_has_empty_figures() {
        let window = MetricsWindow::new(at(0), at(DAY)).expect("a day");
        let csv = metrics_csv(&report(window, 60, None, &[], &[], at(DAY)));
        assert!(csv.ends_with("2024-01-01,0,,,,,0,0,0,\r\ntotal,0,,,,,0,0,0,\r\n"), "{csv}");
    }
}
