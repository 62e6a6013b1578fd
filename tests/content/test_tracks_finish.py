"""Every track of the library can be finished: a worker plays its quests in order through the
API, sees the whole track done on its map, and has earned a badge for it (each track has a
path of badges, the last one for the whole track)."""

import pytest

from game_server.db import session_scope
from game_server.services.play.track_map import track_maps

from ..factories import bearer_for, make_user
from .test_starter_library import (  # noqa: F401 (fixtures)
    LIBRARY,
    library_app,
    play,
    sqlite_template_module,
)

SECTOR_TRACKS = {"transport", "logistics", "cleaning", "retail", "housing", "construction"}


def test_the_library_has_tracks_for_the_sectors_and_badges_to_match():
    sectors = {sector for track in LIBRARY.tracks.values() for sector in track.sectors}
    assert SECTOR_TRACKS | {"metal", "care", "finance"} <= sectors, sectors
    assert len(LIBRARY.quests) >= 60 and len(LIBRARY.badges) >= 40


def _badges_for(track) -> set[str]:
    """Badges whose rule names only quests of this track."""
    found = set()
    for badge in LIBRARY.badges.values():
        quests = getattr(badge.criteria, "quests", None)
        if quests and set(quests) <= set(track.quests):
            found.add(badge.id)
    return found


@pytest.mark.parametrize("track_id", sorted(LIBRARY.tracks))
def test_a_worker_finishes_the_track(library_app, track_id):  # noqa: F811
    track = LIBRARY.tracks[track_id]
    client = library_app.test_client()
    worker = make_user(library_app)
    headers = bearer_for(library_app, worker)
    earned = set()
    for quest_id in track.quests:
        run = play(client, headers, quest_id, "high")
        assert run["status"] == "completed", (track_id, quest_id, run)
        earned |= set(run["badges_awarded"] or [])
    with session_scope(library_app) as session:
        catalog = library_app.extensions["catalog_source"].current()
        (found,) = [
            m for m in track_maps(session, catalog, user_id=worker.id, locale="nl")
            if m.track_id == track_id
        ]
    assert found.done == len(track.quests)
    assert all(stop.state == "done" for stop in found.stops)
    path = _badges_for(track)
    if track_id not in ("first-steps", "fifty-plus"):  # the two starter tracks have none
        assert path and path <= earned, (track_id, path, earned)
