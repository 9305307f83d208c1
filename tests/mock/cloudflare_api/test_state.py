"""Collections round-trip within one mock: create -> get/list -> update -> delete; unknown ids are 404."""

from __future__ import annotations

from starlette.testclient import TestClient

from harness.mock.state import TOKEN_HEADER, MockState

from .conftest import ACCOUNT, API, BEARER

LISTS = f"{API}/accounts/{ACCOUNT}/gateway/lists"


def test_create_get_list_update_delete(client: TestClient) -> None:
    created = client.post(LISTS, headers=BEARER, json={"name": "blocked", "type": "IP", "description": "first"})
    assert created.status_code == 200, created.text
    item = created.json()["result"]
    list_id = item["id"]
    assert (item["name"], item["type"]) == ("blocked", "IP")

    fetched = client.get(f"{LISTS}/{list_id}", headers=BEARER).json()["result"]
    assert fetched["id"] == list_id and fetched["description"] == "first"

    listing = client.get(LISTS, headers=BEARER).json()
    assert [i["id"] for i in listing["result"]] == [list_id]
    assert listing["result_info"]["total_count"] == 1

    updated = client.put(f"{LISTS}/{list_id}", headers=BEARER, json={"name": "blocked", "description": "second"})
    assert updated.json()["result"]["description"] == "second"
    assert client.get(f"{LISTS}/{list_id}", headers=BEARER).json()["result"]["description"] == "second"

    deleted = client.delete(f"{LISTS}/{list_id}", headers=BEARER)
    assert deleted.status_code == 200
    gone = client.get(f"{LISTS}/{list_id}", headers=BEARER)
    assert gone.status_code == 404
    assert gone.json()["errors"][0]["code"] == 7003


def test_two_creates_get_two_ids(client: TestClient) -> None:
    ids = {client.post(LISTS, headers=BEARER, json={"name": n, "type": "IP"}).json()["result"]["id"] for n in "ab"}
    assert len(ids) == 2


def test_an_id_never_created_is_404_once_the_collection_is_known(client: TestClient) -> None:
    client.post(LISTS, headers=BEARER, json={"name": "x", "type": "IP"})
    answer = client.get(f"{LISTS}/{'f' * 32}", headers=BEARER)
    assert answer.status_code == 404
    assert answer.json()["success"] is False


def test_before_any_write_the_world_holds_what_a_page_names(client: TestClient) -> None:
    answer = client.get(f"{LISTS}/{'f' * 32}", headers=BEARER)
    assert answer.status_code == 200
    assert answer.json()["result"]["id"] == "f" * 32


def test_state_is_per_mock(client: TestClient, state: object) -> None:
    client.post(LISTS, headers=BEARER, json={"name": "x", "type": "IP"})
    from .conftest import CONFIG, SERVICE, Catalog, Journal, Path, Registry, Starlette, mock_state

    other = mock_state(CONFIG, Catalog.load(), Journal(), Registry(), Path())
    fresh = TestClient(Starlette(routes=list(SERVICE.routes(other))), base_url="https://api.cloudflare.com")
    assert len(fresh.get(LISTS, headers=BEARER).json()["result"]) == 1  # the schema's one example, not ours
    assert fresh.get(LISTS, headers=BEARER).json()["result"][0]["name"] != "x"


def test_second_resource_dns_records(client: TestClient) -> None:
    zone = "0" * 31 + "1"
    records = f"{API}/zones/{zone}/dns_records"
    made = client.post(records, headers=BEARER, json={"type": "A", "name": "www.example.com", "content": "192.0.2.1",
                                                      "ttl": 3600})
    assert made.status_code == 200, made.text
    record_id = made.json()["result"]["id"]
    assert client.get(f"{records}/{record_id}", headers=BEARER).json()["result"]["content"] == "192.0.2.1"
    change = {"type": "A", "name": "www.example.com", "ttl": 1, "content": "192.0.2.2"}
    patched = client.patch(f"{records}/{record_id}", headers=BEARER, json=change)
    assert patched.json()["result"]["content"] == "192.0.2.2"


def test_the_id_a_placeholder_was_given_stands_for_the_item_an_earlier_step_created(client: TestClient) -> None:
    from harness.generated_values import generated_id

    created = client.post(LISTS, headers=BEARER, json={"name": "blocked", "type": "IP"}).json()["result"]
    placeholder = generated_id("{list_id}")  # what `.../lists/{list_id}` on a later step of the page became
    answer = client.get(f"{LISTS}/{placeholder}", headers=BEARER)
    assert answer.status_code == 200 and answer.json()["result"]["id"] == created["id"]
    assert client.get(f"{LISTS}/{'f' * 32}", headers=BEARER).status_code == 404  # any other unknown id is not


def test_a_placeholder_stands_for_what_its_own_page_created_while_pages_run_side_by_side(
    client: TestClient, state: MockState
) -> None:
    from harness.generated_values import generated_id

    page = {name: {**BEARER, TOKEN_HEADER: state.registry.register(f"fixtures/{name}.md::g1::1")} for name in "ab"}
    mine = client.post(LISTS, headers=page["a"], json={"name": "a's", "type": "IP"}).json()["result"]
    client.post(LISTS, headers=page["b"], json={"name": "b's", "type": "IP"})  # the newest, but another page's
    answer = client.get(f"{LISTS}/{generated_id('{list_id}')}", headers=page["a"])
    assert answer.json()["result"]["id"] == mine["id"]
    unknown = {**BEARER, TOKEN_HEADER: state.registry.register("fixtures/c.md::g1::1")}  # created nothing: the newest
    assert client.get(f"{LISTS}/{generated_id('{list_id}')}", headers=unknown).json()["result"]["name"] == "b's"


def test_d1_sql_of_a_placeholder_id_runs_on_the_database_its_own_page_created(
    client: TestClient, state: MockState
) -> None:
    """`wrangler d1 execute` with the config's `<YOUR_DATABASE_ID>` while another page makes a database between
    its steps (the wrangler fixture pages at `-j 3` failed so in CI: "no such table: notes")."""
    from harness.generated_values import generated_id

    databases = f"{API}/accounts/{ACCOUNT}/d1/database"
    query = f"{databases}/{generated_id('{database_id}')}/query"
    notes = {**BEARER, TOKEN_HEADER: state.registry.register("fixtures/notes.md::g1::1")}
    typo = {**BEARER, TOKEN_HEADER: state.registry.register("fixtures/typo.md::g1::1")}
    assert client.post(databases, headers=notes, json={"name": "notes-db"}).status_code == 200
    assert client.post(query, headers=notes, json={"sql": "CREATE TABLE notes (text TEXT)"}).status_code == 200
    assert client.post(databases, headers=typo, json={"name": "typo-db"}).status_code == 200
    inserted = client.post(query, headers=notes, json={"sql": "INSERT INTO notes VALUES ('pepperoni')"})
    assert inserted.status_code == 200, inserted.text
    rows = client.post(query, headers=notes, json={"sql": "SELECT text FROM notes"}).json()["result"][0]["results"]
    assert rows == [{"text": "pepperoni"}]
    assert client.post(query, headers=typo, json={"sql": "SELECT text FROM notes"}).status_code == 400
