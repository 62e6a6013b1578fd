"""The occupation catalog over JSON: search with Dutch names and typos, one occupation with
its sources named, the jobs near it, the sectors; unknown ids in the error envelope; all of
it in the OpenAPI document. Never UK pay."""

CLEANER = "303a1e34-cb16-4054-b323-81e5eec17397"  # schoonmaker gebouwen


def test_search_finds_dutch_names_alternative_names_and_typos(client):
    found = client.get("/api/v1/occupations?q=chaufeur&limit=5").get_json()
    assert found and all("chauffeur" in job["name"] for job in found[:3]), found
    found = client.get("/api/v1/occupations", query_string={"q": "poetsvrouw"}).get_json()
    assert found[0]["id"] == CLEANER and found[0]["matched_name"] == "poetsvrouw"
    assert client.get("/api/v1/occupations?q=").get_json() == []


def test_one_occupation_names_its_sources_and_never_pay(client):
    response = client.get(f"/api/v1/occupations/{CLEANER}")
    body = response.get_json()
    assert response.status_code == 200 and body["name"] == "schoonmaker gebouwen"
    assert "ESCO" in body["attribution"] and "Nesta" in body["attribution"]
    assert body["job_zone"] == 2 and body["sector"]
    assert not any("earning" in key or "pay" in key for key in body)


def test_the_jobs_near_one_come_with_reasons_and_never_itself(client):
    near = client.get(f"/api/v1/occupations/{CLEANER}/near").get_json()
    assert near and CLEANER not in [job["id"] for job in near]
    assert all(job["reasons"] for job in near)
    assert near[0]["reasons"][0] == "same_sub_sector"


def test_an_unknown_occupation_is_not_found_in_the_envelope(client):
    response = client.get("/api/v1/occupations/nope/near")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_sectors_and_a_sectors_jobs(client):
    sectors = client.get("/api/v1/occupations/sectors?locale=nl").get_json()
    top = [s for s in sectors if s["parent"] is None]
    assert top and all(s["size"] > 0 for s in sectors)
    jobs = client.get(f"/api/v1/occupations?sector={top[0]['code']}&limit=50").get_json()
    assert len(jobs) == min(50, top[0]["size"])


def test_the_catalog_and_the_plan_are_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/occupations",
        "/api/v1/occupations/sectors",
        "/api/v1/occupations/{occupation_id}",
        "/api/v1/occupations/{occupation_id}/near",
        "/api/v1/me/plan",
        "/api/v1/coach/clients/{worker_id}/plan",
    ):
        assert path in paths, path
