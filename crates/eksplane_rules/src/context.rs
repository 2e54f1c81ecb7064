//! What a check run knows besides the platform: the date it judges as of.
//! Rules are `fn(&Platform)`; the engine sets this for the duration of a run
//! (on the caller's thread), so rules stay pure and only the binary reads the
//! clock or the environment.

use eksplane_aws_data::eks_versions::Date;
use std::cell::Cell;

thread_local! {
    static TODAY: Cell<Option<Date>> = const { Cell::new(None) };
}

/// The date the current run judges as of (`CheckOptions::today`); `None`
/// outside a run or when the caller gave none: date-dependent rules are then
/// silent.
pub fn today() -> Option<Date> {
    TODAY.with(Cell::get)
}

/// Runs `f` with [`today`] set to `date`, restoring the previous value
/// afterwards (even if `f` panics).
pub fn with_today<R>(date: Option<Date>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Date>);
    impl Drop for Restore {
        fn drop(&mut self) {
            TODAY.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(TODAY.with(|t| t.replace(date)));
    f()
}
