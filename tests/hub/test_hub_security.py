"""Security in the database itself: an analyst with their own login, typing SQL as in psql,
changes nothing of a colleague's; only reviewers write the reviewed layer, the codebook and
review decisions; history is append-only for everyone; without a login nothing is readable."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from hub_server import PostgresServer

from annotator.core import hub
from annotator.core.hub.migrations import SYNCED_TABLES

ALL_TABLES = (*SYNCED_TABLES, "history")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def run(url: str, statement: str, params: Any = None) -> int:
    """Run one statement as the URL's login, committed; the number of rows it changed."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(statement, params).rowcount


def refused(url: str, statement: str, params: Any = None) -> str:
    """The error the statement raises as the URL's login (it must raise)."""
    with pytest.raises(psycopg.Error) as caught:
        run(url, statement, params)
    return str(caught.value)


def snapshot(admin: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(admin) as conn:
        return {
            t: conn.execute(f"SELECT * FROM annotator_hub.{t} ORDER BY 1").fetchall()
            for t in ALL_TABLES
        }


@pytest.fixture
def team(hub_admin: str, hub_login: Callable[..., str]) -> dict[str, str]:
    """Two analysts and a reviewer, each having written rows of every kind with their login."""
    urls = {
        "anna": hub_login("anna"),
        "bert": hub_login("bert"),
        "rita": hub_login("rita", reviewer=True),
        "admin": hub_admin,
    }
    rita, anna, bert = urls["rita"], urls["anna"], urls["bert"]
    run(
        rita,
        "INSERT INTO annotator_hub.labels (id, name, role, color, position) "
        "VALUES ('L1', 'Claim', 'claim', '#ff0000', 0)",
    )
    for who, url in (("anna", anna), ("bert", bert)):
        text = f"An article {who} added."
        run(
            url,
            "INSERT INTO annotator_hub.documents (id, text_sha256, title, text, added_by) "
            "VALUES (%s, %s, %s, %s, %s)",
            [f"D-{who}", sha(text), f"{who}'s article", text, f"id-{who}"],
        )
    for who, url in (("anna", anna), ("bert", bert), ("reviewed", rita)):
        analyst = "reviewed" if who == "reviewed" else f"id-{who}"
        run(
            url,
            "INSERT INTO annotator_hub.annotations (id, document_id, analyst_id, label_id, "
            "start, \"end\", created, modified) VALUES (%s, 'D-anna', %s, 'L1', 0, 5, 't', 't')",
            [f"A-{who}", analyst],
        )
        run(
            url,
            "INSERT INTO annotator_hub.links (id, source_id, kind, name, analyst_id, created) "
            "VALUES (%s, %s, 'said_by', 'someone', %s, 't')",
            [f"K-{who}", f"A-{who}", analyst],
        )
    for who, url in (("anna", anna), ("bert", bert), ("rita", rita)):
        run(
            url,
            "INSERT INTO annotator_hub.comments (id, annotation_id, author_id, created, body) "
            "VALUES (%s, 'A-bert', %s, 't', 'a remark')",
            [f"C-{who}", f"id-{who}"],
        )
        run(
            url,
            "INSERT INTO annotator_hub.history (kind, payload) VALUES ('note', %s)",
            [psycopg.types.json.Jsonb({"by": who})],
        )
    run(
        rita,
        "INSERT INTO annotator_hub.review_decisions (id, document_id, reviewer_id, decided, "
        "decision, first_layer, second_layer, sources, results) "
        "VALUES ('R1', 'D-anna', 'id-rita', 't', 'first', 'id-anna', 'id-bert', '[]', '[]')",
    )
    # Finished marks, talking points and attachments: each one's own (bert attaches his
    # claim to anna's talking point).
    for who, url, claim, point in (
        ("anna", anna, "A-anna", "T-anna"),
        ("bert", bert, "A-bert", "T-anna"),
        ("rita", rita, "A-reviewed", "T-rita"),
    ):
        run(
            url,
            "INSERT INTO annotator_hub.finished_documents (id, document_id, analyst_id, finished)"
            " VALUES (%s, 'D-anna', %s, 't')",
            [f"D-anna/id-{who}", f"id-{who}"],
        )
        run(
            url,
            "INSERT INTO annotator_hub.talking_points (id, name, created_by, created, modified) "
            "VALUES (%s, %s, %s, 't', 't')",
            [f"T-{who}", f"{who.title()}'s point", f"id-{who}"],
        )
        run(
            url,
            "INSERT INTO annotator_hub.talking_point_claims (id, annotation_id, "
            "talking_point_id, analyst_id, added) VALUES (%s, %s, %s, %s, 't')",
            [claim, claim, point, f"id-{who}"],
        )
    return urls


def unchanged_unless_annas(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> None:
    """Every row anna did not write is still there exactly as it was (any write would have
    stamped a new row_version and owner)."""
    for table, rows in before.items():
        theirs = [r for r in rows if "anna" not in r]  # anna's rows carry her as owner
        assert theirs, table
        missing = [r for r in theirs if r not in after[table]]
        assert not missing, (table, missing)


def test_an_analyst_deletes_nothing_from_any_hub_table(team: dict[str, str]) -> None:
    before = snapshot(team["admin"])
    for table in ALL_TABLES:
        assert "permission denied" in refused(team["anna"], f"DELETE FROM annotator_hub.{table}")
        assert "permission denied" in refused(
            team["anna"], f"TRUNCATE annotator_hub.{table} CASCADE"
        )
    assert snapshot(team["admin"]) == before


def test_an_analyst_updating_every_column_of_every_row_changes_nothing_of_a_colleagues(
    team: dict[str, str],
) -> None:
    before = snapshot(team["admin"])
    with psycopg.connect(team["admin"]) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'annotator_hub' AND table_name = ANY(%s)",
            [list(ALL_TABLES)],
        ).fetchall()
    assert len(columns) > 60
    changed = 0
    with psycopg.connect(team["anna"], autocommit=True) as conn:
        for table, column in columns:
            for value in (f'"{column}"', "NULL", "'id-anna'"):
                with contextlib.suppress(psycopg.Error):  # refused outright: fine
                    statement = f'UPDATE annotator_hub.{table} SET "{column}" = {value}'
                    changed += conn.execute(statement).rowcount
    assert changed > 0  # her own rows took the updates allowed to her
    after = snapshot(team["admin"])
    unchanged_unless_annas(before, after)
    assert after["history"] == before["history"]


def test_an_analyst_cannot_write_into_a_colleagues_or_the_reviewed_layer(
    team: dict[str, str],
) -> None:
    anna = team["anna"]
    before = snapshot(team["admin"])
    for layer in ("id-bert", "id-rita", "reviewed"):
        assert "row-level security" in refused(
            anna,
            "INSERT INTO annotator_hub.annotations (id, document_id, analyst_id, label_id, "
            "start, \"end\", created, modified) VALUES ('X', 'D-anna', %s, 'L1', 0, 3, 't', 't')",
            [layer],
        )
        assert "row-level security" in refused(
            anna,
            "INSERT INTO annotator_hub.links (id, source_id, kind, name, analyst_id, created) "
            "VALUES ('X', 'A-anna', 'about', 'x', %s, 't')",
            [layer],
        )
        assert "row-level security" in refused(
            anna,
            "INSERT INTO annotator_hub.comments (id, annotation_id, author_id, created, body) "
            "VALUES ('X', 'A-anna', %s, 't', 'in their name')",
            [layer],
        )
    # Moving her own row into someone else's layer is refused too.
    assert "permission denied" in refused(
        anna, "UPDATE annotator_hub.annotations SET analyst_id = 'id-bert' WHERE id = 'A-anna'"
    )
    assert "row-level security" in refused(
        anna,
        "INSERT INTO annotator_hub.documents (id, text_sha256, title, text, added_by) "
        "VALUES ('X', %s, 't', 'x', 'id-bert')",
        [sha("x")],
    )
    assert "row-level security" in refused(
        anna,
        "INSERT INTO annotator_hub.analysts (id, name, role_name) VALUES ('X', 'Bert 2', 'bert')",
    )
    assert snapshot(team["admin"]) == before


def test_only_reviewers_write_the_codebook_and_review_decisions(team: dict[str, str]) -> None:
    anna, rita = team["anna"], team["rita"]
    before = snapshot(team["admin"])
    assert "row-level security" in refused(
        anna,
        "INSERT INTO annotator_hub.labels (id, name, color, position) "
        "VALUES ('L2', 'Mine', '#000000', 1)",
    )
    assert run(anna, "UPDATE annotator_hub.labels SET name = 'Renamed'") == 0
    assert "row-level security" in refused(
        anna,
        "INSERT INTO annotator_hub.review_decisions (id, document_id, reviewer_id, decided, "
        "decision, first_layer, second_layer, sources, results) "
        "VALUES ('R2', 'D-anna', 'id-anna', 't', 'first', 'id-anna', 'id-bert', '[]', '[]')",
    )
    assert run(anna, "UPDATE annotator_hub.review_decisions SET decision = 'reject'") == 0
    assert snapshot(team["admin"]) == before
    # The reviewer may: the codebook, the reviewed layer, their own decisions.
    assert run(rita, "UPDATE annotator_hub.labels SET name = 'Claim!'") == 1
    assert run(rita, "UPDATE annotator_hub.annotations SET note = 'ok' WHERE id = 'A-reviewed'")
    assert run(rita, "UPDATE annotator_hub.review_decisions SET decision = 'both'") == 1
    # …but not an analyst's layer, nor a decision in another reviewer's name.
    assert run(rita, "UPDATE annotator_hub.annotations SET note = 'x' WHERE id = 'A-anna'") == 0
    assert "row-level security" in refused(
        rita,
        "INSERT INTO annotator_hub.review_decisions (id, document_id, reviewer_id, decided, "
        "decision, first_layer, second_layer, sources, results) "
        "VALUES ('R3', 'D-anna', 'id-anna', 't', 'first', 'id-anna', 'id-bert', '[]', '[]')",
    )


def test_a_reviewer_granted_again_without_reviewer_loses_the_reviewers_rights(
    team: dict[str, str],
) -> None:
    with hub.connect(team["admin"]) as conn:
        hub.grant(conn, "rita", "rita-password", reviewer=False)
    assert run(team["rita"], "UPDATE annotator_hub.labels SET name = 'Claim!'") == 0
    with hub.connect(team["rita"]) as conn:
        assert hub.whoami(conn) == ("rita", False, "id-rita")


def test_an_analyst_changes_their_own_rows_and_the_hub_stamps_owner_and_version(
    team: dict[str, str],
) -> None:
    anna = team["anna"]
    with psycopg.connect(team["admin"]) as conn:
        old = conn.execute(
            "SELECT row_version FROM annotator_hub.annotations WHERE id = 'A-anna'"
        ).fetchone()
    assert run(anna, "UPDATE annotator_hub.annotations SET note = 'mine' WHERE id = 'A-anna'")
    assert run(anna, "UPDATE annotator_hub.annotations SET deleted = true WHERE id = 'A-anna'")
    assert "permission denied" in refused(
        anna, "UPDATE annotator_hub.annotations SET owner = 'bert' WHERE id = 'A-anna'"
    )
    assert "permission denied" in refused(
        anna, "UPDATE annotator_hub.annotations SET row_version = 1 WHERE id = 'A-anna'"
    )
    assert "permission denied" in refused(
        anna, "UPDATE annotator_hub.documents SET text = 'rewritten' WHERE id = 'D-anna'"
    )
    assert "permission denied" in refused(
        anna, "INSERT INTO annotator_hub.history (kind, payload, owner) VALUES ('x', '{}', 'bert')"
    )
    with psycopg.connect(team["admin"]) as conn:
        row = conn.execute(
            "SELECT note, deleted, owner, row_version FROM annotator_hub.annotations "
            "WHERE id = 'A-anna'"
        ).fetchone()
        assert row is not None and old is not None
        assert row[:3] == ("mine", True, "anna") and row[3] > old[0]
        owners = conn.execute("SELECT owner FROM annotator_hub.history ORDER BY id").fetchall()
        assert [o[0] for o in owners] == ["anna", "bert", "rita"]


def test_history_and_document_text_refuse_changes_even_from_the_admin(
    team: dict[str, str],
) -> None:
    admin = team["admin"]
    for statement in (
        "UPDATE annotator_hub.history SET kind = 'x'",
        "DELETE FROM annotator_hub.history",
        "TRUNCATE annotator_hub.history",
        "UPDATE annotator_hub.documents SET text = 'rewritten'",
        "UPDATE annotator_hub.annotations SET analyst_id = 'id-bert' WHERE id = 'A-anna'",
    ):
        message = refused(admin, statement)
        assert "append-only" in message or "never changes" in message
    # The admin's own writes are stamped with the admin's name, whatever was asked.
    run(admin, "INSERT INTO annotator_hub.history (kind, payload, owner) VALUES ('x', '{}', 'x')")
    run(admin, "UPDATE annotator_hub.annotations SET note = 'x', owner = 'x' WHERE id = 'A-anna'")
    with psycopg.connect(admin) as conn:
        last = conn.execute("SELECT owner FROM annotator_hub.history ORDER BY id DESC").fetchone()
        annotation = conn.execute(
            "SELECT owner FROM annotator_hub.annotations WHERE id = 'A-anna'"
        ).fetchone()
    assert last == annotation == ("hub_admin",)


def test_nobody_without_a_hub_login_reads_anything(
    team: dict[str, str], postgres_server: PostgresServer
) -> None:
    admin = team["admin"]
    database = str(psycopg.conninfo.conninfo_to_dict(admin)["dbname"])
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE ROLE outsider LOGIN PASSWORD 'outsider-password'")
    outsider = postgres_server.url(database, "outsider", "outsider-password")
    with pytest.raises(hub.HubError, match="permission denied for database"):
        hub.connect(outsider)
    # Even let into the database by mistake, the hub's tables stay closed.
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO outsider')
    for table in ALL_TABLES:
        assert "permission denied" in refused(outsider, f"SELECT * FROM annotator_hub.{table}")
    with pytest.raises(hub.HubError, match="password authentication failed"):
        hub.connect(postgres_server.url(database, "anna", "wrong-password"))


def test_a_revoked_login_can_no_longer_connect_and_its_work_stays(
    team: dict[str, str],
) -> None:
    before = snapshot(team["admin"])
    with hub.connect(team["admin"]) as conn:
        hub.revoke(conn, "bert")
        with pytest.raises(hub.HubError, match="no login named"):
            hub.revoke(conn, "nobody")
        with pytest.raises(hub.HubError, match="administrative role"):
            hub.revoke(conn, "hub_admin")
    with pytest.raises(hub.HubError, match="Could not connect"):
        hub.connect(team["bert"])
    assert snapshot(team["admin"]) == before


def test_set_role_to_a_colleague_is_refused(team: dict[str, str]) -> None:
    assert "permission denied" in refused(team["anna"], "SET ROLE bert")
    assert "must be owner" in refused(
        team["anna"], "ALTER TABLE annotator_hub.annotations DISABLE ROW LEVEL SECURITY"
    )


def test_finished_marks_are_each_analysts_own(team: dict[str, str]) -> None:
    anna, rita = team["anna"], team["rita"]
    before = snapshot(team["admin"])
    for who in ("id-bert", "id-rita"):
        assert "row-level security" in refused(
            anna,
            "INSERT INTO annotator_hub.finished_documents (id, document_id, analyst_id, finished)"
            " VALUES (%s, 'D-bert', %s, 't')",
            [f"D-bert/{who}", who],
        )
    # Unmarking (a tombstone) or changing a colleague's mark: no row is hers to change, and
    # reviewers are not special here.
    assert run(anna, "UPDATE annotator_hub.finished_documents SET deleted = true") == 1
    assert run(rita, "UPDATE annotator_hub.finished_documents SET finished = 'x' "
                     "WHERE analyst_id <> 'id-rita'") == 0  # fmt: skip
    after = snapshot(team["admin"])
    unchanged_unless_annas(before, after)
    assert after["history"] == before["history"]
    assert "id-anna" in next(r for r in after["finished_documents"] if r[-3] is True)


def test_talking_points_are_renamed_and_deleted_by_their_creator_or_a_reviewer(
    team: dict[str, str],
) -> None:
    anna, bert, rita = team["anna"], team["bert"], team["rita"]
    before = snapshot(team["admin"])
    for point in ("T-bert", "T-rita"):
        for change in ("name = 'Mine now'", "deleted = true", "modified = 'x'"):
            assert run(anna, f"UPDATE annotator_hub.talking_points SET {change} "
                             "WHERE id = %s", [point]) == 0  # fmt: skip
    assert "permission denied" in refused(
        anna, "UPDATE annotator_hub.talking_points SET created_by = 'id-anna'"
    )
    assert "row-level security" in refused(
        anna,
        "INSERT INTO annotator_hub.talking_points (id, name, created_by, created, modified) "
        "VALUES ('T-x', 'In his name', 'id-bert', 't', 't')",
    )
    # Names are unique among live points, ignoring case as the projects do.
    assert "talking_points_by_name" in refused(
        anna,
        "INSERT INTO annotator_hub.talking_points (id, name, created_by, created, modified) "
        "VALUES ('T-x', 'BERT''S POINT', 'id-anna', 't', 't')",
    )
    unchanged_unless_annas(before, snapshot(team["admin"]))
    # Her own point she renames; a reviewer renames and deletes anyone's.
    assert run(anna, "UPDATE annotator_hub.talking_points SET name = 'Renamed' "
                     "WHERE id = 'T-anna'") == 1  # fmt: skip
    assert run(rita, "UPDATE annotator_hub.talking_points SET name = 'Tidied' "
                     "WHERE id = 'T-bert'") == 1  # fmt: skip
    assert run(bert, "UPDATE annotator_hub.talking_points SET deleted = true "
                     "WHERE id = 'T-bert'") == 1  # fmt: skip


def test_a_claims_attachment_is_its_attachers(team: dict[str, str]) -> None:
    anna, bert, rita = team["anna"], team["bert"], team["rita"]
    before = snapshot(team["admin"])
    # Bert attached his claim to Anna's point: Anna may neither move nor detach it.
    assert run(anna, "UPDATE annotator_hub.talking_point_claims SET deleted = true "
                     "WHERE id = 'A-bert'") == 0  # fmt: skip
    assert run(anna, "UPDATE annotator_hub.talking_point_claims SET talking_point_id = 'T-rita',"
                     " analyst_id = 'id-anna' WHERE id = 'A-bert'") == 0  # fmt: skip
    assert "row-level security" in refused(
        anna,
        "INSERT INTO annotator_hub.talking_point_claims (id, annotation_id, talking_point_id, "
        "analyst_id, added) VALUES ('A-anna2', 'A-anna', 'T-anna', 'id-bert', 't')",
    )
    assert "permission denied" in refused(
        anna, "UPDATE annotator_hub.talking_point_claims SET annotation_id = 'A-anna'"
    )
    assert snapshot(team["admin"]) == before
    # Detached by Bert, the claim is anyone's to attach again; a reviewer moves any.
    assert run(bert, "UPDATE annotator_hub.talking_point_claims SET deleted = true "
                     "WHERE id = 'A-bert'") == 1  # fmt: skip
    assert run(anna, "UPDATE annotator_hub.talking_point_claims SET deleted = false, "
                     "analyst_id = 'id-anna', talking_point_id = 'T-anna' "
                     "WHERE id = 'A-bert'") == 1  # fmt: skip
    assert run(rita, "UPDATE annotator_hub.talking_point_claims SET talking_point_id = 'T-rita'"
                     " WHERE id = 'A-anna'") == 1  # fmt: skip
    # Taking over a live attachment is refused even so.
    assert run(bert, "UPDATE annotator_hub.talking_point_claims SET analyst_id = 'id-bert' "
                     "WHERE id = 'A-bert'") == 0  # fmt: skip
