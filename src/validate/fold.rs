//! Search keys: names and postcodes folded so that a search finds people however their
//! names are typed. Case, accents, apostrophes, hyphens and spaces all fold away ("Zoë
//! O'Brien-Nowak" → `zoeobriennowak`), Latin letters without a decomposition are spelt
//! out (`ł` → `l`, `ß` → `ss`, `æ` → `ae`), and other scripts are kept as they are,
//! lower-cased, so a name typed in Arabic or Chinese is found in the same script. The
//! query is folded the same way, so any part of a key matches. The duplicate-person rule
//! keeps its own (lower-cased) keys: this folding is for finding, never for deciding two
//! records are one person.

/// One name (or a search term) folded: letters and digits only, lower-case, accents off.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if is_latin(c) {
            // Spelt out in ASCII; anything left that is not a letter or digit (the
            // punctuation some letters spell out as) is dropped.
            let spelt = deunicode::deunicode_char(c).unwrap_or_default();
            out.extend(
                spelt
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
        // Spaces, punctuation, symbols and combining marks (the accents of decomposed
        // text, the vowel marks of Arabic and Hebrew) fold away.
    }
    out
}

/// The stored name key: given-then-family and family-then-given, each folded, apart by a
/// space that no folded query holds, so a query matches within one order but never
/// across the two ("obrien zoe" and "zoe obrien" both find Zoë O'Brien-Nowak).
pub fn name_key(given_name: &str, family_name: &str) -> String {
    let (given, family) = (fold(given_name), fold(family_name));
    format!("{given}{family} {family}{given}")
}

/// The stored postcode key: letters and digits, upper-case, no spaces (`LS9 6AA` →
/// `LS96AA`); a search matches it from its start however the query is spaced or cased.
pub fn postcode_key(postcode: &str) -> String {
    postcode
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Latin letters beyond ASCII: Latin-1 Supplement, Extended-A and -B, IPA letters used in
/// names, and Latin Extended Additional (Vietnamese).
fn is_latin(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}') && c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_however_they_are_typed() {
        assert_eq!(fold("Zoë"), "zoe");
        assert_eq!(fold("Zoe\u{308}"), "zoe");
        assert_eq!(fold("O'Brien-Nowak"), "obriennowak");
        assert_eq!(fold("O’BRIEN nowak"), "obriennowak");
        assert_eq!(fold("Nguyễn"), "nguyen");
        assert_eq!(fold("Łukasz Weiß"), "lukaszweiss");
        assert_eq!(fold("Siobhán"), "siobhan");
        assert_eq!(fold("محمد"), "محمد");
        assert_eq!(fold("Ελένη"), "ελένη");
        assert_eq!(fold(" - ' "), "");
    }

    #[test]
    fn keys_hold_both_orders_and_postcodes_lose_their_spaces() {
        assert_eq!(
            name_key("Zoë", "O'Brien-Nowak"),
            "zoeobriennowak obriennowakzoe"
        );
        assert_eq!(postcode_key("LS9 6AA"), "LS96AA");
        assert_eq!(postcode_key(" ls9  6aa"), "LS96AA");
    }
}
