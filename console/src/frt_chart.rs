//! First-response time per day as a line chart: the median and the p90 of each UTC day of the
//! report (`MetricsReport::by_day`), and, when the shop chose its industry, the industry's
//! published average as a band behind them, so the shop's own figures read against it.
//!
//! Hand-written SVG: the time axis is logarithmic, because a shop answering in 40 s and an
//! industry average of 1 to 3 hours must both be readable on one chart. A day without first
//! responses breaks the line rather than reading as zero. Colours are in the stylesheet (the
//! page's CSP allows no inline styles). Screen readers get the chart's title and a summary;
//! the figures themselves are in the cards around it. Test hooks: `data-testid="frt-chart"`
//! (with `data-days`, the days drawn), `"frt-chart-median"`, `"frt-chart-p90"` and
//! `"frt-chart-benchmark"`.

use crate::format;
use leptos::prelude::*;
use parley_core::industry::{Benchmark, Industry};
use parley_core::metrics_daily::DayMetrics;
use parley_core::utc_date;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The axis's round marks, in seconds: 1 s, 10 s, 1 min, 10 min, 1 h, 4 h, 1 day, 1 week.
const TICKS: [u64; 8] = [1, 10, 60, 600, 3_600, 14_400, 86_400, 604_800];

/// The most day labels drawn under the axis; the others are left out evenly.
const MOST_DAY_LABELS: usize = 8;

const SECONDS_PER_HOUR: f64 = 3600.0;

/// A logarithmic axis of seconds from 1 s (anything faster is drawn at 1 s) to `top`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TimeAxis {
    top: f64,
}

impl TimeAxis {
    /// An axis reaching a little past the slowest of `seconds`, and at least 1 minute.
    fn fitting(seconds: impl Iterator<Item = f64>) -> Self {
        let slowest = seconds.fold(60.0_f64, f64::max);
        Self { top: slowest * 1.5 }
    }

    /// The vertical position of a duration, top of the plot for the slowest.
    fn y(self, seconds: f64) -> f64 {
        let share = seconds.max(1.0).log10() / self.top.log10();
        TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - share.min(1.0))
    }

    /// The round marks on the axis.
    fn ticks(self) -> Vec<u64> {
        TICKS.into_iter().filter(|&tick| tick as f64 <= self.top).collect()
    }
}

/// The horizontal position of day `index` of `days`; a single day sits in the middle.
fn x(index: usize, days: usize) -> f64 {
    let plot = WIDTH - LEFT - RIGHT;
    if days <= 1 {
        return LEFT + plot / 2.0;
    }
    LEFT + plot * index as f64 / (days - 1) as f64
}

/// An SVG path through the points, broken where a point is missing.
fn line_path(points: &[Option<(f64, f64)>]) -> String {
    let mut path = String::new();
    let mut drawing = false;
    for point in points {
        match point {
            Some((x, y)) => {
                path.push_str(&format!(
                    "{}{x:.1} {y:.1}",
                    if drawing {
                        " L"
                    } else if path.is_empty() {
                        "M"
                    } else {
                        " M"
                    }
                ));
                drawing = true;
            }
            None => drawing = false,
        }
    }
    path
}

/// "Mar 4": a day under the axis.
fn day_label(day: parley_core::time::UnixMillis) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let date = utc_date::date(day);
    let month: usize = date.get(5..7).and_then(|month| month.parse().ok()).unwrap_or(1);
    let day_of_month: u32 = date.get(8..10).and_then(|day| day.parse().ok()).unwrap_or(1);
    format!("{} {day_of_month}", MONTHS.get(month.saturating_sub(1)).unwrap_or(&""))
}

/// Which days get a label: evenly spread, the first and the last always.
fn labelled(index: usize, days: usize) -> bool {
    let every = days.div_ceil(MOST_DAY_LABELS).max(1);
    index.is_multiple_of(every) || index + 1 == days
}

/// "1–3 h": an industry's published range.
pub fn benchmark_range(benchmark: Benchmark) -> String {
    format!("{}–{} h", benchmark.low_hours, benchmark.high_hours)
}

/// How a median compares with an industry's published range.
pub fn comparison(median_seconds: f64, benchmark: Benchmark) -> &'static str {
    if median_seconds < f64::from(benchmark.low_hours) * SECONDS_PER_HOUR {
        "faster than"
    } else if median_seconds <= f64::from(benchmark.high_hours) * SECONDS_PER_HOUR {
        "within"
    } else {
        "slower than"
    }
}

#[component]
pub fn FrtChart(days: Vec<DayMetrics>, industry: Option<Industry>) -> impl IntoView {
    let benchmark = industry.map(|industry| (industry, industry.benchmark()));
    let axis = TimeAxis::fitting(
        days.iter()
            .flat_map(|day| [day.frt_seconds.median, day.frt_seconds.p90])
            .flatten()
            .chain(benchmark.map(|(_, benchmark)| f64::from(benchmark.high_hours) * SECONDS_PER_HOUR)),
    );
    let count = days.len();
    let points = |pick: fn(&DayMetrics) -> Option<f64>| -> Vec<Option<(f64, f64)>> {
        days.iter()
            .enumerate()
            .map(|(index, day)| pick(day).map(|seconds| (x(index, count), axis.y(seconds))))
            .collect()
    };
    let medians = points(|day| day.frt_seconds.median);
    let p90s = points(|day| day.frt_seconds.p90);
    let measured = medians.iter().flatten().count();
    let summary = format!(
        "First-response median and 90th percentile on each of {count} days, {measured} with first responses{}.",
        benchmark
            .map(|(industry, benchmark)| format!(
                "; the {} industry's published average, {}, is drawn as a band",
                industry.name().to_lowercase(),
                benchmark_range(benchmark)
            ))
            .unwrap_or_default()
    );
    let bottom = HEIGHT - BOTTOM;
    view! {
        <figure class="frt-chart">
            <svg
                class="frt-chart-svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby="frt-chart-title frt-chart-desc"
                data-testid="frt-chart"
                data-days=count.to_string()
            >
                <title id="frt-chart-title">"First response per day"</title>
                <desc id="frt-chart-desc">{summary}</desc>
                {benchmark
                    .map(|(industry, benchmark)| {
                        let high = axis.y(f64::from(benchmark.high_hours) * SECONDS_PER_HOUR);
                        let low = axis.y(f64::from(benchmark.low_hours) * SECONDS_PER_HOUR);
                        view! {
                            <g data-testid="frt-chart-benchmark">
                                <rect
                                    class="chart-benchmark"
                                    x=LEFT
                                    y=high
                                    width=WIDTH - LEFT - RIGHT
                                    height=(low - high).max(1.0)
                                ></rect>
                                <text class="chart-benchmark-label" x=WIDTH - RIGHT - 4.0 y=high + 12.0 text-anchor="end">
                                    {format!("{} average {}", industry.name(), benchmark_range(benchmark))}
                                </text>
                            </g>
                        }
                    })}
                {axis
                    .ticks()
                    .into_iter()
                    .map(|tick| {
                        let y = axis.y(tick as f64);
                        view! {
                            <line class="chart-grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y></line>
                            <text class="chart-axis" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">
                                {format::round_duration(tick)}
                            </text>
                        }
                    })
                    .collect_view()}
                <line class="chart-baseline" x1=LEFT x2=WIDTH - RIGHT y1=bottom y2=bottom></line>
                {days
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| labelled(*index, count))
                    .map(|(index, day)| {
                        view! {
                            <text class="chart-axis" x=x(index, count) y=HEIGHT - 8.0 text-anchor="middle">
                                {day_label(day.day)}
                            </text>
                        }
                    })
                    .collect_view()}
                <path class="chart-line p90" d=line_path(&p90s) data-testid="frt-chart-p90"></path>
                <path class="chart-line median" d=line_path(&medians) data-testid="frt-chart-median"></path>
                {medians
                    .iter()
                    .flatten()
                    .map(|&(cx, cy)| view! { <circle class="chart-point median" cx=cx cy=cy r="3"></circle> })
                    .collect_view()}
            </svg>
            <figcaption class="chart-legend">
                <span class="legend median">"Median"</span>
                <span class="legend p90">"90th percentile"</span>
                {benchmark.map(|(industry, _)| view! { <span class="legend benchmark">{format!("{} average", industry.name())}</span> })}
                <span class="legend-note">"Days in UTC"</span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_is_logarithmic_from_one_second() {
        let axis = TimeAxis::fitting([40.0, 3.0 * 3600.0].into_iter());
        let bottom = HEIGHT - BOTTOM;
        assert_eq!(axis.y(1.0), bottom, "1 s sits on the baseline");
        assert_eq!(axis.y(0.2), bottom, "faster than 1 s is drawn at 1 s");
        assert!((axis.y(axis.top) - TOP).abs() < 1e-9, "the top of the axis is the top of the plot");
        let (ten, hundred, thousand) = (axis.y(10.0), axis.y(100.0), axis.y(1000.0));
        assert!(((ten - hundred) - (hundred - thousand)).abs() < 1e-9, "each factor of ten as tall");
        assert_eq!(axis.ticks(), [1, 10, 60, 600, 3_600, 14_400]);
        assert_eq!(TimeAxis::fitting(std::iter::empty()).ticks(), [1, 10, 60], "at least a minute");
    }

    #[test]
    fn lines_break_where_a_day_has_nothing() {
        let cases: Vec<(Vec<Option<(f64, f64)>>, &str)> = vec![
            (vec![], ""),
            (vec![None, None], ""),
            (vec![Some((1.0, 2.0))], "M1.0 2.0"),
            (vec![Some((1.0, 2.0)), Some((3.0, 4.25))], "M1.0 2.0 L3.0 4.2"),
            (vec![Some((1.0, 2.0)), None, Some((5.0, 6.0)), Some((7.0, 8.0))], "M1.0 2.0 M5.0 6.0 L7.0 8.0"),
            (vec![None, Some((5.0, 6.0))], "M5.0 6.0"),
        ];
        for (points, path) in cases {
            assert_eq!(line_path(&points), path, "{points:?}");
        }
    }

    #[test]
    fn days_spread_over_the_width() {
        assert_eq!(x(0, 1), LEFT + (WIDTH - LEFT - RIGHT) / 2.0, "one day in the middle");
        assert_eq!((x(0, 7), x(6, 7)), (LEFT, WIDTH - RIGHT));
        let labels: Vec<usize> = (0..31).filter(|&index| labelled(index, 31)).collect();
        assert_eq!(labels, [0, 4, 8, 12, 16, 20, 24, 28, 30], "every 4th and the last");
        assert_eq!((0..7).filter(|&index| labelled(index, 7)).count(), 7, "a week: every day");
    }

    #[test]
    fn days_and_benchmarks_read_in_words() {
        assert_eq!(day_label(parley_core::time::UnixMillis(1_709_510_400_000)), "Mar 4");
        assert_eq!(day_label(parley_core::time::UnixMillis(1_704_067_200_000)), "Jan 1");
        let retail = Industry::Retail.benchmark();
        assert_eq!(benchmark_range(retail), "1–3 h");
        let cases = [(40.0, "faster than"), (3600.0, "within"), (10_800.0, "within"), (10_800.5, "slower than")];
        for (median, compared) in cases {
            assert_eq!(comparison(median, retail), compared, "{median}");
        }
    }
}
