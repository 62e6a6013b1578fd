"""The occupation catalog: search in Dutch (accents, case, typos), nearness, and the data file."""

import gzip
import json

import pytest

from game_server.services.explore.occupations import DATA_FILE, Reason, catalog

TRUCK_DRIVER = "45037d43-a8f5-4f46-b332-b2935bc305f4"  # vrachtwagenchauffeur, 8332, 1.4, zone 2
STAGE_MANAGER = "00030d09-2b3a-4efd-87cc-c4ea39d27c34"  # inspiciënt, 2654, no Nesta data


@pytest.fixture(scope="module")
def occupations():
    return catalog()


def names(matches):
    return [m.occupation.name for m in matches]


def test_the_catalog_holds_every_esco_occupation(occupations):
    assert len(occupations) == 3007
    assert TRUCK_DRIVER in occupations
    assert occupations.get("no-such-id") is None


def test_a_dutch_name_is_found_first(occupations):
    assert names(occupations.search("vrachtwagenchauffeur"))[0] == "vrachtwagenchauffeur"


def test_an_alternative_name_finds_its_occupation(occupations):
    best = occupations.search("trucker")[0]
    assert best.occupation.id == TRUCK_DRIVER
    assert best.matched_name == "trucker"


def test_search_ignores_accents_and_case(occupations):
    plain = occupations.search("coordinator beveiliging")
    marked = occupations.search("COÖRDINATOR Beveiliging")
    assert names(plain) == names(marked)
    assert names(plain)[0] == "coördinator beveiliging"


def test_a_typo_still_finds_the_chauffeurs(occupations):
    found = names(occupations.search("chaufeur"))
    assert found and all("chauffeur" in name for name in found[:5])


def test_a_typo_in_a_long_word_is_forgiven(occupations):
    assert any("verpleegkundige" in n for n in names(occupations.search("verpleegkundge")))


def test_a_cleaner_finds_the_cleaning_jobs(occupations):
    found = occupations.search("schoonmaker")
    assert found[0].occupation.name == "schoonmaker gebouwen"  # "schoonmaker" is its alt name
    assert len(found) == 10 and all("schoonmaker" in m.matched_name.lower() for m in found)


def test_each_occupation_appears_once(occupations):
    ids = [m.occupation.id for m in occupations.search("chauffeur", limit=50)]
    assert len(ids) == len(set(ids))


def test_better_matches_rank_first(occupations):
    scores = [m.score for m in occupations.search("kassa", limit=20)]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_no_words_find_nothing(occupations, query):
    assert occupations.search(query) == []


def test_nonsense_finds_nothing(occupations):
    assert occupations.search("xqzvbnm") == []


def test_search_within_a_sector(occupations):
    found = occupations.search("medewerker", sector="3.1", limit=30)
    assert found and all(m.occupation.sub_sector == "3.1" for m in found)


def test_near_never_lists_the_occupation_itself(occupations):
    assert TRUCK_DRIVER not in [n.occupation.id for n in occupations.near(TRUCK_DRIVER, 50)]


def test_near_puts_the_same_sub_sector_and_job_zone_first_with_its_reasons(occupations):
    near = occupations.near(TRUCK_DRIVER, 10)
    first = near[0]
    assert first.occupation.sub_sector == "1.4" and first.occupation.job_zone == 2
    assert {Reason.SAME_SUB_SECTOR, Reason.SIMILAR_PREPARATION} <= set(first.reasons)
    assert [n.rank_score for n in near] == sorted((n.rank_score for n in near), reverse=True)


def test_near_ranks_a_closer_job_zone_above_one_a_step_away(occupations):
    near = occupations.near(TRUCK_DRIVER, 500)
    same_tier = [n for n in near if Reason.SAME_SUB_SECTOR in n.reasons]
    zones = [abs(n.occupation.job_zone - 2) for n in same_tier]
    assert 0 in zones and 1 in zones
    assert zones.index(1) > max(i for i, z in enumerate(zones) if z == 0)


def test_an_occupation_without_sector_data_falls_back_to_isco(occupations):
    lonely = occupations.get(STAGE_MANAGER)
    assert lonely.sector is None
    near = occupations.near(lonely.id, 20)
    assert near
    assert all(n.occupation.isco[:3] == lonely.isco[:3] for n in near)
    assert all(
        Reason.SAME_ISCO_GROUP in n.reasons or Reason.SAME_ISCO_MINOR_GROUP in n.reasons
        for n in near
    )


def test_sectors_have_dutch_and_english_names_and_sizes(occupations):
    tops = occupations.sectors()
    assert len(tops) == 14
    transport = occupations.sector("1.4")
    assert transport.name("nl") == "Transport en beveiliging"
    assert transport.name("en") == "Transport & security workers"
    assert transport.size == len(occupations.in_sector("1.4"))
    assert {s.code for s in occupations.sub_sectors("1")} >= {"1.1", "1.4"}


def test_the_data_file_carries_no_earnings():
    document = json.loads(gzip.decompress(DATA_FILE.read_bytes()))
    keys = {key for occupation in document["occupations"] for key in occupation}
    assert not [key for key in keys if "earn" in key or "pay" in key or "wage" in key]
    assert "annual_earnings" not in json.dumps(document)
