//! Reading errors for logs and decisions: the whole chain of causes of an
//! error, and the HTTP status Discord answered a REST call with. A leaf of
//! the adapter: every other module may use it.

use poise::serenity_prelude as serenity;

/// "outer: inner: innermost".
pub(super) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

/// The HTTP status of a REST error Discord answered.
pub(super) fn status(error: &serenity::Error) -> Option<u16> {
    match error {
        serenity::Error::Http(e) => e.status_code().map(|s| s.as_u16()),
        _ => None,
    }
}
