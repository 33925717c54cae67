//! The short reference read to the caller at the end of the call. It is made on the desk, so it
//! works offline, and it stays the change's reference. Its alphabet leaves out 0/O and 1/I (and
//! U, often heard as "you"), so it can be read over the phone and typed back without doubt.

use uuid::Uuid;

/// 31 characters: digits 2–9 and the letters but I, O and U.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKLMNPQRSTVWXYZ";
/// Characters after the `CT-` prefix: 31^10 ≈ 8.2 × 10^14, so among 100,000 requests (about
/// two a year per account of Moray's 45,000) two share a reference with odds of about 6 in a
/// million (n² / 2N).
pub const LEN: usize = 10;
pub const PREFIX: &str = "CT-";

/// The reference for a request id (`CT-7KQM4-WXD9P`): the id, in the alphabet, so the desk and
/// the server agree on it without asking each other.
pub fn reference_for(request_id: Uuid) -> String {
    let mut n = request_id.as_u128();
    let mut chars = Vec::with_capacity(LEN);
    for _ in 0..LEN {
        chars.push(ALPHABET[(n % 31) as usize] as char);
        n /= 31;
    }
    let s: String = chars.into_iter().collect();
    format!("{PREFIX}{}-{}", &s[..LEN / 2], &s[LEN / 2..])
}

/// A reference as a caller reads it back (`ct 7kqm4 wxd9p`), in its written form, if it is one.
/// 0, O, 1, I and U are not in the alphabet, so a reference holding one was misheard.
pub fn parse_reference(s: &str) -> Option<String> {
    let t: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let body = t.strip_prefix("CT")?;
    if body.len() != LEN || !body.bytes().all(|b| ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("{PREFIX}{}-{}", &body[..LEN / 2], &body[LEN / 2..]))
}
