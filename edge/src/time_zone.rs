//! IANA time zones for business hours, through the runtime's `Intl` (workerd ships the time
//! zone database), so core's business-hours arithmetic gets DST-correct offsets without the
//! Worker carrying a database of its own.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use parley_core::business_hours::UtcOffset;
use parley_core::time::UnixMillis;
use wasm_bindgen::{JsCast, JsValue};

/// The zone an object last asked for, kept: the desk asks for its shop's zone on every event,
/// and making an `Intl.DateTimeFormat` costs far more than using one.
#[derive(Default)]
pub struct ZoneMemo {
    last: RefCell<Option<(String, Rc<IanaZone>)>>,
}

impl ZoneMemo {
    /// The zone `name`, as [`IanaZone::new`] makes it.
    pub fn zone(&self, name: &str) -> Option<Rc<IanaZone>> {
        if let Some((kept, zone)) = &*self.last.borrow() {
            if kept == name {
                return Some(Rc::clone(zone));
            }
        }
        let zone = Rc::new(IanaZone::new(name)?);
        *self.last.borrow_mut() = Some((name.to_owned(), Rc::clone(&zone)));
        Some(zone)
    }
}

/// A named zone, e.g. `Europe/Budapest`.
pub struct IanaZone {
    format: Intl::DateTimeFormat,
    /// Offsets read, by the quarter hour they hold for.
    offsets: RefCell<HashMap<u64, i32>>,
}

const QUARTER_HOUR_MILLIS: u64 = 15 * 60_000;

/// Offsets a zone keeps before it starts again: a year of quarter hours is 35,040.
const OFFSETS_KEPT: usize = 4_096;

impl IanaZone {
    /// `None` if the runtime does not know the zone.
    pub fn new(name: &str) -> Option<Self> {
        let options = Object::new();
        let set = |key: &str, value: &str| Reflect::set(&options, &key.into(), &value.into()).ok();
        set("timeZone", name)?;
        set("hourCycle", "h23")?;
        for field in ["year", "month", "day", "hour", "minute", "second"] {
            set(field, "numeric")?;
        }
        // `Intl.DateTimeFormat` throws a RangeError for an unknown zone; construct it through
        // Reflect so that becomes an `Err` instead of a trap.
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
        let arguments = Array::of2(&JsValue::from_str("en-US"), &options);
        let format = Reflect::construct(&constructor, &arguments).ok()?;
        Some(Self { format: format.unchecked_into(), offsets: RefCell::default() })
    }

    /// The zone's wall-clock reading at `at`, as if it were UTC (milliseconds).
    fn wall_clock_millis(&self, at: UnixMillis) -> Option<i64> {
        let parts = self.format.format_to_parts(&Date::new(&(at.0 as f64).into()));
        let mut fields = [0i64; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            let slot = ["year", "month", "day", "hour", "minute", "second"].iter().position(|f| *f == kind);
            if let Some(slot) = slot {
                fields[slot] = Reflect::get(&part, &"value".into()).ok()?.as_string()?.parse().ok()?;
            }
        }
        let [year, month, day, hour, minute, second] = fields;
        let days = days_from_civil(year, month, day);
        Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
    }
}

impl UtcOffset for IanaZone {
    fn offset_minutes_at(&self, at: UnixMillis) -> i32 {
        // Offsets change at instants on a quarter hour of UTC (every zone's offsets have been
        // whole quarter hours since the 1970s), so one reading serves its quarter hour: the
        // desk reads offsets many times for each response it records, and each reading is a
        // `formatToParts` in the runtime.
        let quarter = UnixMillis(at.0 - at.0 % QUARTER_HOUR_MILLIS);
        if let Some(offset) = self.offsets.borrow().get(&quarter.0) {
            return *offset;
        }
        let offset = self.wall_clock_millis(quarter).map_or(0, |wall| ((wall - quarter.0 as i64) / 60_000) as i32);
        let mut offsets = self.offsets.borrow_mut();
        if offsets.len() >= OFFSETS_KEPT {
            offsets.clear();
        }
        offsets.insert(quarter.0, offset);
        offset
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
