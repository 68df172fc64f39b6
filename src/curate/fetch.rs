//! Fetching a proposed page safely: http and https only, connect and total
//! timeouts, a size cap enforced while the body streams in, a content-type
//! allowlist, a bounded number of redirects, and no server-side request
//! forgery: a host that resolves to a loopback, private, link-local or
//! unique-local address is refused after DNS resolution and on every
//! redirect (unless `curation.allow_private_addresses`). Every failure is a
//! sentence for the person who proposed the link.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;
use reqwest::Url;

use crate::config::CurationSettings;
use crate::error::{Error, Result};

/// What a fetch brought back.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// The address after redirects.
    pub url: String,
    /// The media type without parameters, lowercased ("text/html").
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Media types a report can be made from.
pub const PAGE_TYPES: &[&str] = &["text/html", "application/xhtml+xml", "application/pdf", "text/plain", "text/markdown", "application/octet-stream"];
/// Media types a feed is served as.
pub const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "text/plain",
    "application/octet-stream",
];

/// Fetches the page or file at `url` under `settings`. Blocking: call it on
/// the blocking pool.
pub fn fetch(url: &str, settings: &CurationSettings) -> Result<Fetched> {
    fetch_as(url, settings, PAGE_TYPES)
}

/// Fetches `url`, accepting only the media types `allowed`.
pub fn fetch_as(url: &str, settings: &CurationSettings, allowed: &[&str]) -> Result<Fetched> {
    let allow_private = settings.allow_private_addresses;
    let parsed = Url::parse(url.trim()).map_err(|_| refuse(format!("`{}` is not a web address", short(url))))?;
    check_url(&parsed, allow_private)?;
    let max_redirects = settings.max_redirects;
    let policy = Policy::custom(move |attempt| {
        if attempt.previous().len() > max_redirects {
            return attempt.error(Refusal(format!("the page redirected more than {max_redirects} times")));
        }
        match check_url(attempt.url(), allow_private) {
            Ok(()) => attempt.follow(),
            Err(e) => attempt.error(Refusal(e.to_string())),
        }
    });
    let client = Client::builder()
        .user_agent(concat!("chipbot/", env!("CARGO_PKG_VERSION"), " (report curation)"))
        .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .timeout(Duration::from_secs(settings.timeout_secs))
        .redirect(policy)
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .build()
        .map_err(|e| Error::Curation(format!("the HTTP client could not start ({e})")))?;
    let response = client.get(parsed.clone()).send().map_err(|e| explain(&e, settings))?;
    let status = response.status();
    if status.is_redirection() {
        // reqwest hands back a redirect it will not follow: one to another scheme.
        let target = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        return Err(refuse(format!("the page redirects to `{}`; only http and https links can be added", short(&target))));
    }
    if !status.is_success() {
        return Err(Error::Curation(status_message(status.as_u16())));
    }
    let final_url = response.url().to_string();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !content_type.is_empty() && !allowed.contains(&content_type.as_str()) {
        return Err(Error::Curation(format!(
            "the link serves `{content_type}`, not a page, a PDF or text; attach the file instead if it is a report"
        )));
    }
    let cap = settings.max_bytes;
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(Error::Curation(too_large(cap)));
    }
    let mut bytes = Vec::new();
    response.take(cap + 1).read_to_end(&mut bytes).map_err(|e| read_failure(&e, settings))?;
    if bytes.len() as u64 > cap {
        return Err(Error::Curation(too_large(cap)));
    }
    Ok(Fetched { url: final_url, content_type, bytes })
}

/// A refusal raised inside reqwest (redirect policy, resolver), carried back
/// to [`explain`] through the error's sources.
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

fn refuse(message: String) -> Error {
    Error::Curation(message)
}

/// The scheme and, for an address written as an IP, the address itself.
fn check_url(url: &Url, allow_private: bool) -> Result<()> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse(format!("only http and https links can be added, not `{}:`", url.scheme())));
    }
    let Some(host) = url.host_str() else {
        return Err(refuse("the link has no host".into()));
    };
    let ip = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
    match ip {
        Some(ip) if !allow_private && !is_public(ip) => Err(refuse(private_message(&ip))),
        _ => Ok(()),
    }
}

/// Resolves host names and refuses any that reaches a non-public address.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = (host.as_str(), 0)
                .to_socket_addrs()
                .map_err(|e| Box::new(Refusal(format!("the host `{host}` could not be found ({e})"))) as Box<dyn std::error::Error + Send + Sync>)?
                .collect();
            if !allow_private {
                if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
                    return Err(Box::new(Refusal(private_message(&bad.ip()))) as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

fn private_message(ip: &IpAddr) -> String {
    format!("links to private or local network addresses ({ip}) are not fetched")
}

/// Whether `ip` is an address on the public internet: not loopback,
/// private, link-local, unique-local, shared (CGNAT), unspecified,
/// broadcast, documentation or multicast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// A sentence for a failed request.
fn explain(e: &reqwest::Error, settings: &CurationSettings) -> Error {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(refusal) = err.downcast_ref::<Refusal>() {
            return Error::Curation(refusal.0.clone());
        }
        source = err.source();
    }
    if e.is_timeout() {
        return Error::Curation(format!("the site did not answer within {} s", settings.timeout_secs));
    }
    if e.is_connect() {
        let host = e.url().and_then(|u| u.host_str()).unwrap_or("the site").to_string();
        return Error::Curation(format!("could not connect to {host}"));
    }
    if e.is_redirect() {
        return Error::Curation("the page's redirects could not be followed".into());
    }
    Error::Curation("the page could not be fetched".into())
}

fn read_failure(e: &std::io::Error, settings: &CurationSettings) -> Error {
    if e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timed out") {
        Error::Curation(format!("the site did not finish sending the page within {} s", settings.timeout_secs))
    } else {
        Error::Curation("the connection broke while the page was downloading".into())
    }
}

fn too_large(cap: u64) -> String {
    format!("the file is larger than the {} MB limit", cap.div_ceil(1024 * 1024))
}

/// The sentence for an HTTP error status.
fn status_message(code: u16) -> String {
    match code {
        401 | 403 => format!("the site refused the request (HTTP {code})"),
        404 | 410 => format!("the page was not found (HTTP {code})"),
        429 => "the site is limiting requests (HTTP 429); try again later".to_string(),
        500..=599 => format!("the site had an error (HTTP {code}); try again later"),
        _ => format!("the site answered HTTP {code}"),
    }
}

fn short(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[test]
    fn links_are_checked_before_any_request() {
        let settings = CurationSettings::default();
        let refused = |url: &str| fetch(url, &settings).expect_err(url).to_string();
        assert!(refused("file:///etc/passwd").contains("only http and https"));
        assert!(refused("ftp://example.com/a").contains("only http and https"));
        assert!(refused("http://127.0.0.1:9/x").contains("private or local network addresses (127.0.0.1)"));
        assert!(refused("http://[::1]:9/x").contains("private or local network addresses (::1)"));
        assert!(refused("http://169.254.169.254/latest/meta-data").contains("private or local"));
        assert!(refused("http://localhost:9/x").contains("private or local"), "a name is checked after DNS");
        assert!(refused("not a url").contains("is not a web address"));
        assert_eq!(status_message(403), "the site refused the request (HTTP 403)");
    }
}
