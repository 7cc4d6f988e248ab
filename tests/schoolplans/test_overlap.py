"""Overlapping measures across units (step 9): pure, on plain objects. A crafted set with one
pair by title, one by description, and measures that must be left alone (another category,
the same unit, unrelated text)."""

from dataclasses import dataclass, field

from schoolplans.overlap import find_overlaps, same_word, title_similarity, words


@dataclass(frozen=True)
class M:
    key: str
    unit_id: int | None
    category_id: int
    title: str
    description: str = ""
    unit_keys: frozenset | None = field(default=None)

    @property
    def pk(self):
        return self.key


STAFF, RELIEF, TRAINING, ICT = 1, 2, 3, 4

CRAFTED = [
    M("a", 1, STAFF, "Onderwijsassistent voor de brugklassen", "Een assistent in de klas."),
    M("b", 2, STAFF, "Onderwijsassistenten brugklas", "Hulp bij practica en toetsen."),
    M("c", 2, RELIEF, "Minder vergaderingen", "Eén vergadering per maand in plaats van twee."),
    M("d", 3, STAFF, "Extra conciërge op het plein", "Toezicht in de pauzes."),
    M("e", 1, STAFF, "Onderwijsassistent brugklas", "Nog een assistent, zelfde eenheid als a."),
    M(
        "f",
        3,
        TRAINING,
        "Training klassenmanagement",
        "Een training in klassenmanagement en orde houden voor docenten in de onderbouw.",
    ),
    M(
        "g",
        4,
        TRAINING,
        "Cursus voor nieuwe collega's",
        "Cursus orde houden en klassenmanagement voor alle docenten van de bovenbouw.",
    ),
    M("h", 4, ICT, "Onderwijsassistent voor de brugklassen", "Zelfde titel, andere categorie."),
    M("i", 4, RELIEF, "Roostervrije middag voor overleg", "Een vaste middag zonder lessen."),
]


def pairs(overlaps):
    return {frozenset((o.first.key, o.second.key)) for o in overlaps}


def test_the_crafted_set_finds_the_pairs_and_leaves_the_rest_alone():
    found = find_overlaps(CRAFTED)

    assert pairs(found) == {
        frozenset("ab"),  # similar titles, plural and singular
        frozenset("be"),  # e is of unit 1 like a, but b is of unit 2
        frozenset("fg"),  # different titles, similar descriptions
    }


def test_measures_of_the_same_unit_are_never_paired():
    same_unit = [m for m in CRAFTED if m.unit_id == 1]
    assert {m.key for m in same_unit} == {"a", "e"}
    assert find_overlaps(same_unit) == []


def test_a_different_category_is_never_an_overlap_however_alike_the_titles():
    assert find_overlaps([CRAFTED[0], CRAFTED[7]]) == []  # a and h: the very same title


def test_the_reason_says_why_and_how_alike():
    by_pair = {frozenset((o.first.key, o.second.key)): o for o in find_overlaps(CRAFTED)}

    assert by_pair[frozenset("ab")].reason == "Same category and similar titles (100% alike)."
    assert by_pair[frozenset("fg")].reason.startswith("Same category and similar descriptions (")
    assert by_pair[frozenset("ab")].first.key == "a"  # in the order given


def test_pairs_come_best_match_first():
    found = find_overlaps(CRAFTED)
    scores = [o.score for o in found]
    assert scores == sorted(scores, reverse=True)


def test_a_combined_measure_counts_as_each_of_its_units():
    combined = M("ab", None, STAFF, "Onderwijsassistent brugklas", unit_keys=frozenset({1, 2}))
    other = M("x", 3, STAFF, "Onderwijsassistenten brugklassen")
    own = M("y", 2, STAFF, "Onderwijsassistent brugklas")

    assert pairs(find_overlaps([combined, other, own])) == {frozenset(("ab", "x")), frozenset("xy")}


def test_a_measure_without_a_unit_is_not_paired():
    lost = M("z", None, STAFF, "Onderwijsassistent brugklas")
    assert find_overlaps([lost, CRAFTED[1]]) == []


def test_dutch_text_is_normalised():
    assert words("De Coördinatie van de Zorg, 2026!") == ["coordinatie", "zorg"]
    assert words("Onderwijsassistenten en conciërges") == ["onderwijsassistent", "concierges"]
    assert words("de het een van voor") == []


def test_a_word_matches_a_slightly_longer_form_of_itself_only():
    assert same_word("brugklas", "brugklass")
    assert same_word("workshop", "workshops")
    assert not same_word("klas", "klassikaal")  # too short to match by its start
    assert not same_word("onderwijs", "onderwijsassistent")  # far longer: another word


def test_unrelated_titles_are_not_alike():
    assert title_similarity("Minder vergaderingen", "Extra conciërge op het plein") == 0
    assert title_similarity("", "Minder vergaderingen") == 0
    assert title_similarity("Minder vergaderingen", "minder VERGADERINGEN") == 1
