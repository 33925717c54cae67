//! Names, addresses and phone numbers. Scottish and Gaelic forms (with their accents and
//! apostrophes) among ordinary ones, so that search, sorting and every screen meet them from the
//! first day.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::draw::{chance, index, pick};

#[rustfmt::skip]
pub(crate) const FEMALE_NAMES: &[&str] = &[
    "Seònaid", "Eilidh", "Mòrag", "Catrìona", "Sìne", "Màiri", "Ciorstaidh", "Ealasaid", "Iseabail", "Peigi",
    "Siobhán", "Aoife", "Niamh", "Orla", "Emma", "Olivia", "Isla", "Sophie", "Amy", "Chloe", "Lucy", "Ava", "Freya",
    "Grace", "Ellie", "Hannah", "Jessica", "Rachel", "Laura", "Karen", "Fiona", "Morag", "Heather", "Kirsty", "Ailsa",
    "Rhona", "Shona", "Lorna", "Elaine", "Gillian", "Margaret", "Elizabeth", "Janet", "Agnes", "Isobel", "Jean",
    "Susan", "Lesley", "Nicola", "Claire", "Zoe", "Millie", "Eva", "Lily", "Rosie", "Anna", "Joanne", "Donna",
    "Carol", "Sandra", "Moira", "Jenna", "Megan", "Erin", "Kayleigh",
];

#[rustfmt::skip]
pub(crate) const MALE_NAMES: &[&str] = &[
    "Ruairidh", "Dòmhnall", "Iain", "Pàdraig", "Ùisdean", "Ciarán", "Seumas", "Calum", "Tormod", "Eòghann",
    "Lachlann", "Alasdair", "Niall", "Seán", "James", "Jack", "Lewis", "Ryan", "Callum", "Jamie", "Liam", "Euan",
    "Fraser", "Finlay", "Cameron", "Kyle", "Scott", "Craig", "Andrew", "David", "John", "Robert", "William", "Thomas",
    "Michael", "Mark", "Stuart", "Gordon", "Douglas", "Alistair", "Kenneth", "Hamish", "Angus", "Archie", "Harris",
    "Oliver", "Noah", "Leo", "Rory", "Murray", "Gary", "Steven", "Graeme", "Brian", "Alan", "Ross", "Sandy", "Duncan",
    "Logan", "Kai",
];

#[rustfmt::skip]
pub(crate) const SURNAMES: &[&str] = &[
    "O'Neill", "MacAoidh", "McIntosh", "MacDonald", "Mac an t-Sagairt", "Grant", "Stewart", "Innes", "Ò Broin",
    "D'Arcy", "Shand", "Geddes", "Cumming", "Riach", "Duncan", "NicDhòmhnaill", "Mac Gill-Eain", "O'Brien",
    "MacLeòid", "Smith", "Brown", "Wilson", "Robertson", "Thomson", "Campbell", "Anderson", "Scott", "Murray", "Reid",
    "Taylor", "Clark", "Ross", "Paterson", "Young", "Watson", "Mitchell", "Morrison", "Fraser", "Gordon", "Walker",
    "Hamilton", "Gray", "Hunter", "Kerr", "Johnston", "Simpson", "Milne", "Mackay", "Sutherland", "Ritchie", "Forbes",
    "Gauld", "Sim", "Wood", "Munro", "Cowie", "Mair", "Coull", "Slater", "MacLeod", "Mackenzie", "McKenzie", "Allan",
    "Bruce", "Henderson", "Christie", "Ogilvie", "Bremner", "Findlay", "Jappy", "Sandison", "MacGregor", "Petrie",
    "Stephen", "Souter", "Addison", "Wiseman", "Flett", "Taylor-Grant",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Female,
    Male,
}

pub(crate) fn gender(rng: &mut ChaCha8Rng) -> Gender {
    if chance(rng, 50) { Gender::Female } else { Gender::Male }
}

pub(crate) fn first_name(rng: &mut ChaCha8Rng, gender: Gender) -> &'static str {
    match gender {
        Gender::Female => FEMALE_NAMES[index(rng, FEMALE_NAMES.len())],
        Gender::Male => MALE_NAMES[index(rng, MALE_NAMES.len())],
    }
}

pub(crate) fn surname(rng: &mut ChaCha8Rng) -> &'static str {
    SURNAMES[index(rng, SURNAMES.len())]
}

/// The ASCII letters of a name, lower-cased, for an email address: `Mac an t-Sagairt` →
/// `macantsagairt`, `Ùisdean` → `uisdean`.
pub(crate) fn mailbox_part(name: &str) -> String {
    name.chars()
        .filter_map(|c| {
            let plain = match c {
                'à' | 'á' | 'À' | 'Á' => 'a',
                'è' | 'é' | 'È' | 'É' => 'e',
                'ì' | 'í' | 'Ì' | 'Í' => 'i',
                'ò' | 'ó' | 'Ò' | 'Ó' => 'o',
                'ù' | 'ú' | 'Ù' | 'Ú' => 'u',
                c if c.is_ascii_alphabetic() => c.to_ascii_lowercase(),
                _ => return None,
            };
            Some(plain)
        })
        .collect()
}

/// A made-up address on one of the domains reserved for examples (RFC 2606).
pub(crate) fn email(rng: &mut ChaCha8Rng, first: &str, last: &str) -> String {
    const DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];
    let domain = pick(rng, &DOMAINS);
    let (first, last) = (mailbox_part(first), mailbox_part(last));
    match rng.gen_range(0..4u32) {
        0 => format!("{first}.{last}@{domain}"),
        1 => format!("{first}{last}{}@{domain}", rng.gen_range(1..100u32)),
        2 => format!("{}{last}@{domain}", &first[..1]),
        _ => format!("{first}_{last}.{}@{domain}", rng.gen_range(1..10u32)),
    }
}

pub(crate) fn mobile(rng: &mut ChaCha8Rng) -> String {
    format!(
        "07{:03} {:06}",
        rng.gen_range(400..1000u32),
        rng.gen_range(0..1_000_000u32)
    )
}

/// A Moray landline (Elgin, Forres, Buckie, Keith, Aberlour area codes) with a made-up number.
pub(crate) fn landline(rng: &mut ChaCha8Rng) -> String {
    const CODES: [&str; 5] = ["01343", "01309", "01542", "01542", "01340"];
    format!("{} {:06}", pick(rng, &CODES), rng.gen_range(200_000..900_000u32))
}

/// `outward` with a random inward code: a sector digit and two unit letters (the letters a
/// postcode's unit may use).
pub(crate) fn postcode(rng: &mut ChaCha8Rng, outward: &str) -> String {
    const UNIT: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let a = *pick(rng, UNIT) as char;
    let b = *pick(rng, UNIT) as char;
    format!("{outward} {}{a}{b}", rng.gen_range(1..10u32))
}

#[rustfmt::skip]
pub(crate) const STREET_STEMS: &[&str] = &[
    "Rowanbank", "Whinbrae", "Heatherlea", "Larchfield", "Corsemoor", "Thistlebank", "Gowanlea", "Fernlea",
    "Alderbank", "Hazelden", "Braeburn", "Curlew", "Lapwing", "Osprey", "Kestrel", "Heronfield", "Wrenfield",
    "Cairnlea", "Mossbank", "Bracken", "Otterburn", "Birchwood", "Juniper", "Lochanside", "Sandpiper", "Gannet",
    "Selkie", "Bogmoor", "Drumbain", "Tarrybrae", "Knockandhu", "Auchenlea", "Balnacraig", "Craigview", "Dunlin",
    "Pinefield", "Smithyhill", "Kilnburn", "Mill o' Ruthven", "St Ninian's",
];

#[rustfmt::skip]
pub(crate) const STREET_KINDS: &[&str] = &[
    "Road", "Street", "Crescent", "Drive", "Place", "Terrace", "Gardens", "Wynd", "Brae", "Court", "View", "Way",
    "Avenue", "Park", "Lane", "Close",
];

pub(crate) fn street(rng: &mut ChaCha8Rng) -> String {
    format!("{} {}", pick(rng, STREET_STEMS), pick(rng, STREET_KINDS))
}
