//! What an open widget knows of its shop that may change while it is open: the shop's greeting,
//! the typical reply time it may promise, the pre-chat fields it asks, and whether it is open
//! now. The edge writes it into the widget's page and serves it again at
//! `GET /api/shops/{shop}/widget`, which the open widget asks every few seconds; docs/PROTOCOL.md
//! shows its JSON.

use crate::business_hours::{is_open_in, UtcOffset};
use crate::error::WireError;
use crate::greeting::ReplyTime;
use crate::json::Json;
use crate::metrics::RecentFirstResponses;
use crate::pre_chat::PreChatFields;
use crate::settings::ShopSettings;
use crate::time::UnixMillis;
use crate::wire::{Fields, Object, Wire};
use crate::wire_serde::serde_via_wire;

/// The shop as its open widget shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetView {
    /// The shop's own greeting; `None` for the widget's default in the shopper's language.
    pub greeting: Option<String>,
    /// How fast the shop typically replies, when it shows it and has measured enough.
    pub reply_time: Option<ReplyTime>,
    /// What the shop asks before the first message.
    pub pre_chat: PreChatFields,
    /// Whether the shop is within its opening hours now.
    pub open: bool,
}

/// What a widget shows knowing nothing of its shop: its own greeting, no promise, no fields
/// asked, and not said to be closed.
impl Default for WidgetView {
    fn default() -> Self {
        WidgetView { greeting: None, reply_time: None, pre_chat: PreChatFields::default(), open: true }
    }
}

impl WidgetView {
    /// The view of a shop with `settings` at `now`: its greeting and pre-chat fields as set, the
    /// reply time its `recent` first responses in opening hours (over
    /// [`crate::greeting::PROMISE_LOOKBACK_MILLIS`]) keep, if it shows one, and whether it is open
    /// in its time `zone` (`None` when the runtime does not know it: open, as `is_open_in` says).
    pub fn of(
        settings: &ShopSettings,
        recent: &RecentFirstResponses,
        zone: Option<&impl UtcOffset>,
        now: UnixMillis,
    ) -> WidgetView {
        let greeting = &settings.greeting;
        WidgetView {
            greeting: greeting.text.clone(),
            reply_time: greeting.show_reply_time.then(|| ReplyTime::typical(recent)).flatten(),
            pre_chat: settings.pre_chat,
            open: is_open_in(&settings.hours, zone, now),
        }
    }
}

impl Wire for WidgetView {
    fn to_json(&self) -> Json {
        let Self { greeting, reply_time, pre_chat, open } = self;
        Object::new()
            .field("greeting", greeting)
            .field("reply_time", reply_time)
            // Left out when nothing is asked (most shops): every widget page carries it.
            .field("pre_chat", &pre_chat.any().then_some(*pre_chat))
            .field("open", open)
            .build()
    }

    fn from_json(json: &Json) -> Result<Self, WireError> {
        let fields = Fields::of(json)?;
        Ok(WidgetView {
            greeting: fields.required("greeting")?,
            reply_time: fields.required("reply_time")?,
            pre_chat: fields.or_default("pre_chat")?,
            open: fields.required("open")?,
        })
    }
}

serde_via_wire!(WidgetView);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_hours::{FixedOffset, OpenInterval, WeeklyHours};
    use crate::greeting::GreetingSettings;
    use crate::pre_chat::FieldRule;

    /// 2024-01-01T00:00:00Z, a Monday: the fake clock's week starts here.
    const MONDAY: u64 = 1_704_067_200_000;
    const MINUTE: u64 = 60_000;

    /// A fake clock: `day` days after Monday 2024-01-01 (0), at `hour`:00 UTC.
    fn at(day: u64, hour: u64) -> UnixMillis {
        UnixMillis(MONDAY + (day * 24 + hour) * 60 * MINUTE)
    }

    /// Monday to Friday, 09:00 to 17:00.
    fn office_hours() -> WeeklyHours {
        let day = || vec![OpenInterval::new(9 * 60, 17 * 60)];
        WeeklyHours::new([day(), day(), day(), day(), day(), vec![], vec![]]).expect("valid hours")
    }

    fn recent(count: u32, median_minutes: u64) -> RecentFirstResponses {
        RecentFirstResponses { count, median_millis: (count > 0).then_some(median_minutes * MINUTE) }
    }

    fn view(greeting: Option<&str>, reply_time: Option<ReplyTime>, open: bool) -> WidgetView {
        let pre_chat = PreChatFields { name: FieldRule::Optional, email: FieldRule::Required };
        WidgetView { greeting: greeting.map(str::to_owned), reply_time, pre_chat, open }
    }

    #[test]
    fn the_view_follows_the_settings_the_responses_and_the_clock() {
        let settings = |text: Option<&str>, show_reply_time| ShopSettings {
            greeting: GreetingSettings { text: text.map(str::to_owned), show_reply_time },
            pre_chat: PreChatFields { name: FieldRule::Optional, email: FieldRule::Required },
            hours: office_hours(),
            ..ShopSettings::default()
        };
        let hello = Some("Hello from the shop");
        let budapest = Some(FixedOffset(60));
        /// Name, settings, recent first responses, the zone, now, and the view.
        type Case<'a> = (&'a str, ShopSettings, RecentFirstResponses, Option<FixedOffset>, UnixMillis, WidgetView);
        let cases: Vec<Case> = vec![
            (
                "open on Monday morning, with enough responses",
                settings(hello, true),
                recent(5, 3),
                budapest,
                at(0, 9),
                view(hello, Some(ReplyTime::FewMinutes), true),
            ),
            (
                "the default greeting, and too few responses to promise anything",
                settings(None, true),
                recent(4, 3),
                budapest,
                at(0, 9),
                view(None, None, true),
            ),
            (
                "the shop does not show its reply time",
                settings(hello, false),
                recent(50, 3),
                budapest,
                at(0, 9),
                view(hello, None, true),
            ),
            (
                "a slower median is promised rounded up",
                settings(hello, true),
                recent(50, 90),
                budapest,
                at(0, 9),
                view(hello, Some(ReplyTime::FewHours), true),
            ),
            (
                "closed at 16:00 UTC, which is 17:00 in its zone",
                settings(hello, true),
                recent(5, 3),
                budapest,
                at(0, 16),
                view(hello, Some(ReplyTime::FewMinutes), false),
            ),
            ("closed on Saturday", settings(None, true), recent(0, 0), budapest, at(5, 12), view(None, None, false)),
            (
                "a zone the runtime does not know counts as open",
                settings(None, true),
                recent(0, 0),
                None,
                at(5, 12),
                view(None, None, true),
            ),
        ];
        for (name, settings, recent, zone, now, expected) in cases {
            assert_eq!(WidgetView::of(&settings, &recent, zone.as_ref(), now), expected, "{name}");
        }
    }

    #[test]
    fn the_view_has_stable_json() {
        let cases = [
            (
                view(Some("Hi \"there\"\nAsk away."), Some(ReplyTime::UnderAnHour), true),
                r#"{"greeting":"Hi \"there\"\nAsk away.","reply_time":"under_an_hour","pre_chat":{"name":"optional","email":"required"},"open":true}"#,
            ),
            (WidgetView { pre_chat: PreChatFields::default(), ..view(None, None, false) }, r#"{"open":false}"#),
            // Knowing nothing of the shop promises nothing and asks nothing.
            (WidgetView::default(), r#"{"open":true}"#),
        ];
        for (view, text) in cases {
            assert_eq!(view.encode(), text);
            assert_eq!(WidgetView::decode(text), Ok(view.clone()), "{text}");
            assert_eq!(serde_json::to_string(&view).expect("serializes"), text, "serde goes through Wire");
        }
        assert_eq!(
            WidgetView::decode(r#"{"greeting":"Hi"}"#).map_err(|e| e.to_string()),
            Err("missing field `open`".into())
        );
    }
}
