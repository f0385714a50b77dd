//! A metrics report's figures per UTC day (`MetricsReport::by_day`): for each day the window
//! touches, the first-response times (median and p90 for the dashboard's chart), the share
//! within target, resolutions and CSAT, merged from that day's covered hours only. Days are UTC
//! because the edge stores UTC hours; a day without samples is listed all the same, with empty
//! figures, so a chart keeps an even axis.

use crate::metrics::{within_target_percent, Csat, Summary};
use crate::metrics_aggregate::MetricsAggregate;
use crate::metrics_window::{MetricsWindow, UtcHour};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One UTC day of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayMetrics {
    /// The day's first millisecond (UTC midnight).
    pub day: UnixMillis,
    /// Calendar first-response times recorded that day.
    pub frt_seconds: Summary,
    /// As the report's, for the day: missed waits are dated to when the target passed.
    pub within_target_percent: Option<f64>,
    /// Conversations still waiting whose target passed that day.
    pub waiting_past_target: u64,
    /// Conversations resolved that day.
    pub resolved: u64,
    pub csat: Csat,
}

/// The days of `window` (see `MetricsWindow::days`), each from the covered hours in it, and
/// `missed`: the instants at which conversations still waiting passed their target.
pub(crate) fn by_day(
    window: MetricsWindow,
    hours: &[(UtcHour, MetricsAggregate)],
    missed: &[UnixMillis],
) -> Vec<DayMetrics> {
    let mut days: BTreeMap<UnixMillis, (MetricsAggregate, u64)> =
        window.days().into_iter().map(|day| (day, Default::default())).collect();
    for (hour, aggregate) in hours.iter().filter(|(hour, _)| window.covers(*hour)) {
        if let Some((total, _)) = days.get_mut(&hour.day()) {
            total.merge(aggregate);
        }
    }
    for &at in missed {
        if let Some((_, count)) = days.get_mut(&UtcHour::containing(at).day()) {
            *count += 1;
        }
    }
    days.into_iter()
        .map(|(day, (total, waiting_past_target))| DayMetrics {
            day,
            frt_seconds: Summary::of(&total.first_response),
            within_target_percent: within_target_percent(&total, waiting_past_target),
            waiting_past_target,
            resolved: total.resolution.count(),
            csat: Csat::of(&total.ratings_by_score),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgentId, ConversationId};
    use crate::metrics_aggregate::{RatingSample, ResolutionSample, ResponseSample};

    const HOUR: u64 = 3600;
    const DAY: u64 = 24 * HOUR;

    /// A fake clock: seconds after 2024-01-01T00:00:00Z, a UTC midnight.
    fn at(seconds: u64) -> UnixMillis {
        UnixMillis(1_704_067_200_000 + seconds * 1000)
    }

    fn first(n: u64, at_second: u64, seconds: u64) -> (UtcHour, MetricsAggregate) {
        let sample = ResponseSample {
            conversation_id: ConversationId::parse(&format!("{n:032x}")).expect("valid id"),
            agent: AgentId::parse("ana@demo.test").expect("valid email"),
            at: at(at_second),
            calendar_millis: seconds * 1000,
            business_millis: seconds * 1000,
        };
        let mut hour = MetricsAggregate::default();
        hour.add_first_response(&sample, 60);
        (UtcHour::containing(sample.at), hour)
    }

    fn resolved_and_rated(n: u64, at_second: u64, score: u8) -> (UtcHour, MetricsAggregate) {
        let conversation_id = ConversationId::parse(&format!("{n:032x}")).expect("valid id");
        let mut hour = MetricsAggregate::default();
        hour.add_resolution(&ResolutionSample {
            conversation_id: conversation_id.clone(),
            agent: None,
            at: at(at_second),
            resolution_millis: 1000,
            handle_millis: 1000,
        });
        hour.add_rating(&RatingSample { conversation_id, at: at(at_second), score });
        (UtcHour::containing(at(at_second)), hour)
    }

    #[test]
    fn each_day_from_its_own_hours() {
        let hours = vec![
            first(1, 10, 30),
            first(2, 2 * HOUR, 90),
            first(3, DAY + 10, 5),
            resolved_and_rated(4, DAY + HOUR, 5),
            first(5, 3 * DAY + 10, 1), // after the window
        ];
        let window = MetricsWindow::new(at(0), at(3 * DAY)).expect("three days");
        let missed = [at(DAY + 100), at(2 * DAY + 5), at(2 * DAY + 6), at(5 * DAY)];
        let days = by_day(window, &hours, &missed);
        /// Day, first responses, their median and p90, within target, missed waits, resolved.
        type Figures = (UnixMillis, u64, Option<f64>, Option<f64>, Option<f64>, u64, u64);
        let got: Vec<Figures> = days
            .iter()
            .map(|d| {
                (
                    d.day,
                    d.frt_seconds.count,
                    d.frt_seconds.median,
                    d.frt_seconds.p90,
                    d.within_target_percent,
                    d.waiting_past_target,
                    d.resolved,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (at(0), 2, Some(30.0), Some(90.0), Some(50.0), 0, 0),
                (at(DAY), 1, Some(5.0), Some(5.0), Some(50.0), 1, 1),
                (at(2 * DAY), 0, None, None, Some(0.0), 2, 0),
            ]
        );
        assert_eq!(days[1].csat.satisfied_percent, Some(100.0));
    }

    #[test]
    fn empty_days_are_listed() {
        let window = MetricsWindow::new(at(0), at(2 * DAY)).expect("two days");
        let days = by_day(window, &[], &[]);
        assert_eq!(days.iter().map(|d| d.day).collect::<Vec<_>>(), [at(0), at(DAY)]);
        assert!(days.iter().all(|d| d.frt_seconds == Summary::default() && d.within_target_percent.is_none()));
    }
}
