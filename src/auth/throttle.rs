//! What sign-in throttling counts: the account (a keyed hash of the normalised email) and
//! the client address (a keyed hash of the TCP peer, or of the operator's trusted proxy
//! header). Neither the email as typed nor the address is ever stored.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::DbConnection;
use crate::models::app_secret::{AppSecret, SecretName};
use crate::models::login_throttle::{ThrottleKey, ThrottleKind};
use crate::state::AppState;

/// The client's address as far as it can be trusted; `None` when unknown (requests
/// handled in-process, without a socket), and then only the per-account limit applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientAddress(client_address(
            state.config.trusted_proxy_header.as_ref(),
            &parts.headers,
            peer,
        )))
    }
}

/// The address to throttle: from `trusted_header` when the operator configured one and
/// the request carries a usable value, otherwise the TCP peer. Of a list (as in
/// `X-Forwarded-For`) the rightmost value is taken: the trusted proxy appends the address
/// it saw, while everything to its left came from the client and may be forged.
pub fn client_address(
    trusted_header: Option<&HeaderName>,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Option<IpAddr> {
    let from_proxy = trusted_header.and_then(|name| {
        let last_line = headers.get_all(name).iter().next_back()?.to_str().ok()?;
        let value = last_line.rsplit(',').next()?.trim();
        value
            .parse::<IpAddr>()
            .ok()
            .or_else(|| value.parse::<SocketAddr>().ok().map(|s| s.ip()))
    });
    from_proxy.or(peer)
}

/// The address as counted: IPv4 as is, IPv6 by its /64 network (one subscriber usually
/// holds a whole /64, so counting single addresses would let them rotate freely).
pub fn address_bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The throttle rows one attempt counts against: the account, and the address when known.
/// The hashing key is read (or created, once per installation) in the same transaction.
pub fn keys_for(
    conn: &mut DbConnection,
    normalised_email: &str,
    address: Option<IpAddr>,
) -> diesel::QueryResult<Vec<ThrottleKey>> {
    let secret = AppSecret::get_or_create(conn, SecretName::ThrottleKey, new_key)?;
    let mut keys = vec![ThrottleKey {
        kind: ThrottleKind::Account,
        key_hash: keyed_hash(&secret, ThrottleKind::Account, normalised_email),
    }];
    if let Some(ip) = address {
        keys.push(ThrottleKey {
            kind: ThrottleKind::Address,
            key_hash: keyed_hash(&secret, ThrottleKind::Address, &address_bucket(ip)),
        });
    }
    Ok(keys)
}

/// A new hashing key: 256 random bits, hex.
fn new_key() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    hex(&bytes)
}

/// HMAC-SHA256 of `value` under `secret`, with the kind mixed in so an email and an
/// address can never share a row. Hex, 64 characters.
pub fn keyed_hash(secret: &str, kind: ThrottleKind, value: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(kind.as_str().as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_rightmost_forwarded_address_is_trusted_only_when_configured() {
        let xff = HeaderName::from_static("x-forwarded-for");
        let mut headers = HeaderMap::new();
        headers.append(&xff, HeaderValue::from_static("6.6.6.6, 10.0.0.1"));
        headers.append(&xff, HeaderValue::from_static("1.2.3.4, 203.0.113.9"));
        let peer = Some("192.0.2.1".parse().unwrap());
        assert_eq!(
            client_address(Some(&xff), &headers, peer),
            Some("203.0.113.9".parse().unwrap())
        );
        assert_eq!(client_address(None, &headers, peer), peer, "not configured");
        assert_eq!(
            client_address(Some(&xff), &HeaderMap::new(), peer),
            peer,
            "header missing"
        );
        let mut garbled = HeaderMap::new();
        garbled.insert(&xff, HeaderValue::from_static("unknown"));
        assert_eq!(client_address(Some(&xff), &garbled, None), None);
    }

    #[test]
    fn ipv6_is_counted_by_its_64_bit_network() {
        let a = address_bucket("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_bucket("2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(
            address_bucket("::ffff:192.0.2.7".parse().unwrap()),
            "192.0.2.7"
        );
    }

    #[test]
    fn keyed_hashes_depend_on_the_key_and_the_kind() {
        let a = keyed_hash("key one", ThrottleKind::Account, "amina@example.org");
        assert_eq!(a.len(), 64);
        assert_ne!(
            a,
            keyed_hash("key two", ThrottleKind::Account, "amina@example.org")
        );
        assert_ne!(
            a,
            keyed_hash("key one", ThrottleKind::Address, "amina@example.org")
        );
        assert!(!a.contains("amina"));
    }
}
