//! Change words: the verbs and nouns that make a figure a change ("rose",
//! "cut", "an increase of"). A leaf list shared by change cues (`change`),
//! noun phrases (`phrase`) and baselines (`baseline`).

use std::collections::HashSet;
use std::sync::LazyLock;

/// Change verbs that say a quantity moved, in the forms that come right
/// before a figure ("rose 27%", "up 73%", "fell to").
pub(super) const VERBS: &str = concat!(
    "up|down|rose|risen|rise|rises|rising|grew|grown|grow|grows|growing|fell|fallen|fall|falls|falling",
    "|increased|increases|increasing|increase|decreased|decreases|decreasing|decrease",
    "|declined|declines|declining|decline|dropped|drops|dropping|drop|jumped|jumps|jumping|jump",
    "|surged|surges|surging|surge|soared|soars|soaring|soar|climbed|climbs|climbing|climb",
    "|slipped|slips|slip|slid|slides|sliding|plunged|plunges|plunge|tumbled|tumbles|sank|sinks",
    "|shrank|shrinks|shrinking|shrunk|contracted|contracts|expanded|expands|expanding|expand",
    "|widened|narrowed|accelerated|rallied|dipped|dips|spiked|rebounded|recovered|slumped",
);

/// Verbs that take the figure as their object: a change for a percentage or
/// a multiple ("cut 10%", "gained 161%") or with "by" ("raised prices by
/// 5%"), but an amount otherwise ("raised 8 billion yuan", "lost US$2bn").
pub(super) const TRANSITIVE: &str = concat!(
    "raised|raises|raising|raise|cut|cuts|cutting|lowered|lowers|lifted|lifts|lifting|lift",
    "|improved|improves|improving|improve|reduced|reduces|reducing|reduce|boosted|boosts|boost",
    "|gained|gains|gaining|gain|lost|loses|losing|lose|shed|trimmed|added|adds|adding",
);

/// Change nouns ("an increase of 112%"); "rate" only after "annual" or "growth".
#[rustfmt::skip]
pub(super) const NOUN_WORDS: &[&str] = &[
    "growth", "increase", "increases", "rise", "rises", "decline", "declines", "drop", "drops",
    "fall", "falls", "gain", "gains", "jump", "jumps", "decrease", "decreases", "reduction",
    "reductions", "improvement", "improvements", "expansion", "contraction", "surge", "surges",
    "cagr",
];

/// Change words: verbs and nouns a phrase does not run across.
static CHANGE_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    const MULTIPLIERS: &str = "double|doubled|doubles|doubling|triple|tripled|triples|tripling|quadrupled|halved";
    let listed = [VERBS, TRANSITIVE, MULTIPLIERS].into_iter().flat_map(|list| list.split('|'));
    listed.chain(NOUN_WORDS.iter().copied()).collect()
});

pub(super) static MOVE_VERBS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| VERBS.split('|').collect());
pub(super) static TRANSITIVE_VERBS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| TRANSITIVE.split('|').collect());

/// Whether `word` (lowercase) is a change verb or noun.
pub(super) fn is_change_word(word: &str) -> bool {
    CHANGE_WORDS.contains(word)
}
