//! The settings form's state: every `ShopSettings` field as the owner is typing it (numbers and
//! times as text, lists as rows they add and remove), filled from the stored settings, and read
//! back as settings to save. Reading back checks only what core can check without the edge
//! (a number is a number, a time a time, the hours in order), with core's own rules and words,
//! and names the field it refuses like the edge would; the rest is the edge's to refuse.

use leptos::prelude::*;
use parley_core::business_hours::{OpenInterval, Weekday, WeeklyHours, MINUTES_PER_DAY};
use parley_core::color::Rgb;
use parley_core::desk::AssignmentRules;
use parley_core::greeting::GreetingSettings;
use parley_core::launcher::LauncherSettings;
use parley_core::origin::OriginPattern;
use parley_core::pre_chat::PreChatFields;
use parley_core::protocol::{ApiError, ErrorCode};
use parley_core::settings::ShopSettings;
use parley_core::webhook::WebhookSettings;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::time_text::{minutes_of, time_text};

/// One row of a list the owner edits: an allowed origin.
#[derive(Clone, Copy)]
pub struct TextRow {
    /// Tells rows apart while they are added and removed.
    pub key: u64,
    pub text: RwSignal<String>,
}

/// One interval of a day's opening hours, as typed.
#[derive(Clone, Copy)]
pub struct IntervalRow {
    pub key: u64,
    pub opens: RwSignal<String>,
    pub closes: RwSignal<String>,
}

/// The form's state; copies share it.
#[derive(Clone, Copy)]
pub struct SettingsDraft {
    pub allowed_origins: RwSignal<Vec<TextRow>>,
    pub auto_assign: RwSignal<bool>,
    pub capacity: RwSignal<String>,
    /// In minutes (the edge keeps milliseconds).
    pub reroute_minutes: RwSignal<String>,
    pub frt_target_seconds: RwSignal<String>,
    pub time_zone: RwSignal<String>,
    /// Monday first, as `Weekday::ALL`.
    pub hours: [RwSignal<Vec<IntervalRow>>; 7],
    /// Blank: no webhook.
    pub webhook_url: RwSignal<String>,
    pub webhook_secret: RwSignal<String>,
    /// Blank: no identity verification.
    pub identity_secret: RwSignal<String>,
    /// Each select's value is the wire's name of its choice.
    pub pre_chat_name: RwSignal<String>,
    pub pre_chat_email: RwSignal<String>,
    pub launcher_color: RwSignal<String>,
    pub launcher_position: RwSignal<String>,
    pub launcher_text: RwSignal<String>,
    pub greeting_text: RwSignal<String>,
    pub show_reply_time: RwSignal<bool>,
    /// Blank: none chosen.
    pub industry: RwSignal<String>,
    /// Blank: keep everything.
    pub retention_days: RwSignal<String>,
    /// Rows are added from event handlers, but must live as long as the form.
    owner: StoredValue<Owner>,
    next_key: StoredValue<u64>,
}

impl SettingsDraft {
    /// An empty form, until [`SettingsDraft::fill`].
    pub fn new() -> SettingsDraft {
        let text = || RwSignal::new(String::new());
        SettingsDraft {
            allowed_origins: RwSignal::new(Vec::new()),
            auto_assign: RwSignal::new(false),
            capacity: text(),
            reroute_minutes: text(),
            frt_target_seconds: text(),
            time_zone: text(),
            hours: std::array::from_fn(|_| RwSignal::new(Vec::new())),
            webhook_url: text(),
            webhook_secret: text(),
            identity_secret: text(),
            pre_chat_name: text(),
            pre_chat_email: text(),
            launcher_color: text(),
            launcher_position: text(),
            launcher_text: text(),
            greeting_text: text(),
            show_reply_time: RwSignal::new(false),
            industry: text(),
            retention_days: text(),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            next_key: StoredValue::new(0),
        }
    }

    /// Shows `settings` in the form, replacing whatever was typed.
    pub fn fill(&self, settings: &ShopSettings) {
        let ShopSettings {
            allowed_origins,
            assignment,
            frt_target_seconds,
            time_zone,
            hours,
            webhook,
            identity_secret,
            pre_chat,
            launcher,
            retention_days,
            greeting,
            industry,
        } = settings;
        self.allowed_origins.set(allowed_origins.iter().map(|origin| self.text_row(origin.as_str())).collect());
        self.auto_assign.set(assignment.auto_assign);
        self.capacity.set(assignment.capacity.to_string());
        self.reroute_minutes.set(minutes_text(assignment.reroute_after_millis));
        self.frt_target_seconds.set(frt_target_seconds.to_string());
        self.time_zone.set(time_zone.clone());
        for (day, rows) in Weekday::ALL.into_iter().zip(self.hours) {
            rows.set(
                hours
                    .day(day)
                    .iter()
                    .map(|interval| self.interval_row(interval.start_minute, interval.end_minute))
                    .collect(),
            );
        }
        self.webhook_url.set(webhook.as_ref().map(|webhook| webhook.url.clone()).unwrap_or_default());
        self.webhook_secret.set(webhook.as_ref().map(|webhook| webhook.secret.clone()).unwrap_or_default());
        self.identity_secret.set(identity_secret.clone().unwrap_or_default());
        self.pre_chat_name.set(wire_name(&pre_chat.name));
        self.pre_chat_email.set(wire_name(&pre_chat.email));
        self.launcher_color.set(launcher.color.to_string());
        self.launcher_position.set(wire_name(&launcher.position));
        self.launcher_text.set(launcher.text.clone().unwrap_or_default());
        self.greeting_text.set(greeting.text.clone().unwrap_or_default());
        self.show_reply_time.set(greeting.show_reply_time);
        self.industry.set(industry.as_ref().map(wire_name).unwrap_or_default());
        self.retention_days.set(retention_days.map(|days| days.to_string()).unwrap_or_default());
    }

    /// A new, empty allowed origin at the end of the list.
    pub fn add_origin(&self) {
        let row = self.text_row("");
        self.allowed_origins.update(|rows| rows.push(row));
    }

    /// A new interval at the end of `day`: from where the day's last one closes, or office
    /// hours on a closed day.
    pub fn add_interval(&self, day: Weekday) {
        let rows = self.hours[day.index()];
        let last_close =
            rows.with_untracked(|rows| rows.last().and_then(|row| minutes_of(&row.closes.get_untracked())));
        let (opens, closes) = match last_close {
            Some(from) => (from, (from + 60).min(MINUTES_PER_DAY)),
            None => (9 * 60, 17 * 60),
        };
        let row = self.interval_row(opens, closes);
        rows.update(|rows| rows.push(row));
    }

    /// The settings the form says, or the first thing in it that cannot be one, about its field.
    pub fn settings(&self) -> Result<ShopSettings, ApiError> {
        let allowed_origins = self
            .allowed_origins
            .get_untracked()
            .iter()
            .map(|row| row.text.get_untracked().trim().to_owned())
            .filter(|origin| !origin.is_empty())
            .enumerate()
            .map(|(at, origin)| {
                OriginPattern::try_from(origin).map_err(|message| refusal(message, &format!("allowed_origins[{at}]")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let assignment = AssignmentRules {
            auto_assign: self.auto_assign.get_untracked(),
            capacity: whole(&self.capacity, "assignment.capacity")?,
            reroute_after_millis: millis_of_minutes(&self.reroute_minutes.get_untracked()).ok_or_else(|| {
                refusal("write the minutes as a number, e.g. 3 or 0.5", "assignment.reroute_after_millis")
            })?,
        };
        let webhook_url = self.webhook_url.get_untracked().trim().to_owned();
        let webhook = (!webhook_url.is_empty()).then(|| WebhookSettings {
            url: webhook_url,
            secret: self.webhook_secret.get_untracked().trim().to_owned(),
        });
        let launcher = LauncherSettings {
            color: Rgb::parse(&self.launcher_color.get_untracked())
                .map_err(|error| refusal(error.to_string(), "launcher.color"))?,
            position: from_wire_name(&self.launcher_position.get_untracked(), "launcher.position")?,
            text: not_blank(&self.launcher_text),
        };
        let industry = match self.industry.get_untracked().as_str() {
            "" => None,
            name => Some(from_wire_name(name, "industry")?),
        };
        let retention_days = match self.retention_days.get_untracked().trim() {
            "" => None,
            _ => Some(whole(&self.retention_days, "retention_days")?),
        };
        Ok(ShopSettings {
            allowed_origins,
            assignment,
            frt_target_seconds: whole(&self.frt_target_seconds, "frt_target_seconds")?,
            time_zone: self.time_zone.get_untracked().trim().to_owned(),
            hours: self.weekly_hours()?,
            webhook,
            identity_secret: not_blank(&self.identity_secret),
            pre_chat: PreChatFields {
                name: from_wire_name(&self.pre_chat_name.get_untracked(), "pre_chat.name")?,
                email: from_wire_name(&self.pre_chat_email.get_untracked(), "pre_chat.email")?,
            },
            launcher,
            retention_days,
            greeting: GreetingSettings {
                text: not_blank(&self.greeting_text),
                show_reply_time: self.show_reply_time.get_untracked(),
            },
            industry,
        })
    }

    fn weekly_hours(&self) -> Result<WeeklyHours, ApiError> {
        let mut days: [Vec<OpenInterval>; 7] = Default::default();
        for ((day, rows), intervals) in Weekday::ALL.into_iter().zip(self.hours).zip(&mut days) {
            for row in rows.get_untracked() {
                let time = |text: RwSignal<String>| {
                    minutes_of(&text.get_untracked()).ok_or_else(|| {
                        let day_name = wire_name(&day);
                        refusal(
                            format!("{day}: write times as HH:MM, from 00:00 to 24:00"),
                            &format!("hours.{day_name}"),
                        )
                    })
                };
                intervals.push(OpenInterval::new(time(row.opens)?, time(row.closes)?));
            }
        }
        WeeklyHours::new(days).map_err(|error| refusal(error.to_string(), "hours"))
    }

    fn text_row(&self, text: &str) -> TextRow {
        let key = self.fresh_key();
        self.owner.get_value().with(|| TextRow { key, text: RwSignal::new(text.to_owned()) })
    }

    fn interval_row(&self, opens: u16, closes: u16) -> IntervalRow {
        let key = self.fresh_key();
        self.owner.get_value().with(|| IntervalRow {
            key,
            opens: RwSignal::new(time_text(opens)),
            closes: RwSignal::new(time_text(closes)),
        })
    }

    fn fresh_key(&self) -> u64 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }
}

/// A refusal of the form's `field`, worded by `message`.
fn refusal(message: impl Into<String>, field: &str) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, message).about(field)
}

/// The whole number typed in `text`.
fn whole<T: std::str::FromStr>(text: &RwSignal<String>, field: &str) -> Result<T, ApiError> {
    text.get_untracked().trim().parse().map_err(|_| refusal("write a whole number, e.g. 3", field))
}

/// The text typed, trimmed; `None` when blank.
fn not_blank(text: &RwSignal<String>) -> Option<String> {
    Some(text.get_untracked().trim().to_owned()).filter(|text| !text.is_empty())
}

/// Minutes as the form shows them: whole when whole ("3"), else with the decimals that keep
/// every millisecond ("0.5", "0.166667"), so saving unchanged changes nothing.
fn minutes_text(millis: u64) -> String {
    let minutes = millis as f64 / 60_000.0;
    let text = format!("{minutes:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The milliseconds in a number of minutes typed, e.g. "3" or "0.5".
fn millis_of_minutes(text: &str) -> Option<u64> {
    let minutes: f64 = text.trim().parse().ok()?;
    // Negative, infinite or not a number: nothing the edge could take.
    (minutes.is_finite() && minutes >= 0.0).then(|| (minutes * 60_000.0).round() as u64)
}

/// A setting's choice as the wire names it, e.g. `required` or `online_games`.
pub fn wire_name<T: Serialize>(choice: &T) -> String {
    match serde_json::to_value(choice) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The choice the wire names `name`, or a refusal of `field`.
fn from_wire_name<T: DeserializeOwned>(name: &str, field: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| refusal(format!("choose one of the options, not {name:?}"), field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_and_write_to_the_millisecond() {
        for (millis, text) in [(180_000, "3"), (30_000, "0.5"), (10_000, "0.166667"), (86_400_000, "1440")] {
            assert_eq!(minutes_text(millis), text, "{millis}");
            assert_eq!(millis_of_minutes(text), Some(millis), "{text}");
        }
        for millis in [10_001, 123_457, 86_399_999] {
            assert_eq!(millis_of_minutes(&minutes_text(millis)), Some(millis), "{millis}");
        }
        for (text, millis) in
            [("3", Some(180_000)), (" 0.5 ", Some(30_000)), ("-1", None), ("soon", None), ("inf", None)]
        {
            assert_eq!(millis_of_minutes(text), millis, "{text}");
        }
    }

    #[test]
    fn choices_go_by_their_wire_names() {
        use parley_core::industry::Industry;
        use parley_core::pre_chat::FieldRule;
        assert_eq!(wire_name(&Industry::OnlineGames), "online_games");
        assert_eq!(from_wire_name::<FieldRule>("required", "pre_chat.name"), Ok(FieldRule::Required));
        let refused = from_wire_name::<FieldRule>("mandatory", "pre_chat.name").expect_err("not a rule");
        assert_eq!(refused.field.as_deref(), Some("pre_chat.name"));
    }
}
