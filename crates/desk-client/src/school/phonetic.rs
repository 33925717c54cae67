//! A sound-alike key for names heard over the phone ("Kathryn" for Catherine, "Aylee" for
//! Eilidh, "McDonald" for MacDonald). It is a Metaphone-like reduction tuned for the names of a
//! Scottish school roll: Gaelic digraphs (`bh`/`mh` sound as v, a closing `dh` is silent, `sh`
//! and `s` sound alike), `Mac`/`Mc` as one prefix, Soundex-style vowels dropped after the first
//! letter. It is computed once when a pupil is applied from a pulled page and indexed, so a
//! search compares keys and never computes one per pupil.

use unicode_normalization::UnicodeNormalization;

/// Letters only, lowercase, accents removed: "Seònaid O'Neill" → "seonaidoneill".
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// The sound-alike key of one word (a first name or a surname); empty for a word with no
/// letters. Keys are uppercase ASCII, at most 8 letters, and begin with `A` when the word
/// begins with a vowel sound, so that "Eilidh" (AL) and "Aylee" (AL) meet.
pub fn key(word: &str) -> String {
    let folded = fold(word);
    let mut w: &[u8] = folded.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(8);
    // Mac and Mc are one prefix, said alike.
    if let Some(rest) = w.strip_prefix(b"mac").or_else(|| w.strip_prefix(b"mc"))
        && !rest.is_empty()
    {
        out.extend_from_slice(b"MK");
        w = rest;
    }
    // Silent first letters.
    for silent in [&b"kn"[..], b"wr", b"gn", b"ps"] {
        if w.starts_with(silent) {
            w = &w[1..];
        }
    }
    let mut i = 0;
    while i < w.len() {
        let c = w[i];
        let next = w.get(i + 1).copied();
        let first = out.is_empty() && i == 0;
        let (sound, step): (Option<u8>, usize) = match (c, next) {
            (b'p', Some(b'h')) => (Some(b'F'), 2),
            (b'b' | b'm', Some(b'h')) => (Some(b'F'), 2),
            (b't', Some(b'h')) => (Some(b'T'), 2),
            (b's', Some(b'h')) => (Some(b'S'), 2),
            (b'c', Some(b'h')) => (Some(b'K'), 2),
            (b'c', Some(b'k')) => (Some(b'K'), 2),
            // A closing dh or gh is silent (Eilidh, Hugh); elsewhere it sounds as its first letter.
            (b'd' | b'g', Some(b'h')) if i + 2 >= w.len() => (None, 2),
            (b'g', Some(b'h')) => (Some(b'K'), 2),
            (b'q', Some(b'u')) => (Some(b'K'), 2),
            (b'c', Some(b'e' | b'i' | b'y')) => (Some(b'S'), 1),
            (b'c' | b'k' | b'q', _) => (Some(b'K'), 1),
            (b'x', _) => (Some(b'S'), 1),
            (b'z' | b's', _) => (Some(b'S'), 1),
            (b'v' | b'f', _) => (Some(b'F'), 1),
            (b'd' | b't', _) => (Some(b'T'), 1),
            (b'j', _) => (Some(b'J'), 1),
            (b'g', Some(b'e' | b'i' | b'y')) => (Some(b'J'), 1),
            (b'b' | b'p', _) => (Some(b'P'), 1),
            (b'h' | b'w', _) if !first => (None, 1),
            (b'h' | b'w', _) => (Some(b'A'), 1),
            (v, _) if is_vowel(v) => (if first { Some(b'A') } else { None }, 1),
            (other, _) => (Some(other.to_ascii_uppercase()), 1),
        };
        if let Some(s) = sound {
            // Doubled sounds count once (Eilidh's "ll", "Mackenzie"'s "ck" then "k").
            if out.last() != Some(&s) {
                out.push(s);
            }
        }
        i += step;
        if out.len() >= 8 {
            break;
        }
    }
    String::from_utf8(out).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        assert_eq!(key(a), key(b), "{a} and {b} should sound alike");
    }

    #[test]
    fn names_said_alike_share_a_key() {
        same("Catherine", "Kathryn");
        same("Eilidh", "Aylee");
        same("MacDonald", "McDonald");
        same("Stephen", "Steven");
        same("Sean", "Shaun");
        same("Niamh", "Neve");
        same("Smith", "Smyth");
        same("Seònaid", "Seonaid");
        same("O'Neill", "ONeil");
        same("Mackenzie", "McKenzie");
        same("Philip", "Filip");
    }

    #[test]
    fn different_names_keep_different_keys() {
        assert_ne!(key("Eilidh"), key("Isla"));
        assert_ne!(key("MacDonald"), key("MacLeod"));
        assert_ne!(key("Fraser"), key("Frazer-Ross"));
        assert_ne!(key("Ross"), key("Reid"));
    }

    #[test]
    fn keys_are_short_ascii_and_empty_without_letters() {
        assert_eq!(key("Eilidh"), "AL");
        assert_eq!(key("MacDonald"), "MKTNLT");
        assert_eq!(key("—"), "");
        assert!(key("Wolfeschlegelsteinhausenbergerdorff").len() <= 8);
        assert!(key("Ælfrida").is_ascii());
    }
}
