"""Logins on the hub: one PostgreSQL login role per analyst, in the group `annotator_analyst`
(and `annotator_reviewer` for reviewers). What each may write is decided by the database
(row-level security, see `migrations`), not by this code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from annotator.core.hub.errors import HubError, require_psycopg
from annotator.core.hub.schema import require_hub

if TYPE_CHECKING:
    import psycopg

ANALYST_GROUP = "annotator_analyst"
REVIEWER_GROUP = "annotator_reviewer"
#: Login names: plain lowercase identifiers, so psql, pg_hba.conf and ~/.pgpass need no quoting.
_LOGIN_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
MIN_PASSWORD_CHARS = 8


class Identity(NamedTuple):
    role: str
    is_reviewer: bool
    analyst_id: str | None  # None until the login registered its analyst (`register_analyst`)


class Granted(NamedTuple):
    created: bool  # False: an existing login was updated
    reviewer: bool


def check_login_name(name: str) -> None:
    """Refuse a login name psql users would have to quote, or one PostgreSQL reserves."""
    if not _LOGIN_NAME.fullmatch(name):
        raise HubError(
            f"{name!r} is not usable as a login name: use lowercase letters, digits and "
            "underscores (at most 63), starting with a letter, e.g. 'anna' or 'j_smith'."
        )
    if name.startswith("pg_") or name in (ANALYST_GROUP, REVIEWER_GROUP):
        raise HubError(f"{name!r} is reserved by PostgreSQL or the hub; choose another name.")


def grant(conn: psycopg.Connection, name: str, password: str, reviewer: bool) -> Granted:
    """Create the login `name` or update it: its password, and reviewer or not (as given;
    granting without `reviewer` to a reviewer makes them an analyst). The password travels
    only as a SCRAM verifier computed here, so it never appears in the server's logs."""
    pg = require_psycopg()
    from psycopg import sql

    check_login_name(name)
    if len(password) < MIN_PASSWORD_CHARS or "\n" in password or "\r" in password:
        raise HubError(
            f"The password must be one line of at least {MIN_PASSWORD_CHARS} characters; "
            "nothing was changed."
        )
    require_hub(conn)
    verifier = conn.pgconn.encrypt_password(
        password.encode("utf-8"), name.encode("utf-8"), b"scram-sha-256"
    ).decode("ascii")
    role = sql.Identifier(name)
    try:
        with conn.transaction():
            existing = _role_attributes(conn, name)
            if existing is not None and existing:
                raise HubError(
                    f"{name!r} is an administrative role of this server (superuser or role "
                    "creator); hub logins must be ordinary roles. Choose another name."
                )
            verb = "CREATE" if existing is None else "ALTER"
            conn.execute(
                sql.SQL(verb + " ROLE {} WITH LOGIN PASSWORD {}").format(
                    role, sql.Literal(verifier)
                )
            )
            conn.execute(sql.SQL("GRANT annotator_analyst TO {}").format(role))
            change = (
                "GRANT annotator_reviewer TO {}"
                if reviewer
                else ("REVOKE annotator_reviewer FROM {}")
            )
            conn.execute(sql.SQL(change).format(role))
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(_database(conn)), role
                )
            )
    except pg.errors.InsufficientPrivilege as exc:
        raise _not_admin(exc) from None
    return Granted(created=existing is None, reviewer=reviewer)


def revoke(conn: psycopg.Connection, name: str) -> None:
    """Take the login `name` away: it can no longer log in, read or write; its sessions are
    ended. Its rows (its layer, comments, history) stay, and the role stays so that nobody
    else can take its name and with it those rows."""
    pg = require_psycopg()
    from psycopg import sql

    require_hub(conn)
    role = sql.Identifier(name)
    try:
        with conn.transaction():
            existing = _role_attributes(conn, name)
            if existing is None:
                raise HubError(f"There is no login named {name!r} on this server.")
            if existing:
                raise HubError(
                    f"{name!r} is an administrative role of this server; `hub revoke` only "
                    "takes away analysts' logins."
                )
            conn.execute(sql.SQL("ALTER ROLE {} WITH NOLOGIN PASSWORD NULL").format(role))
            conn.execute(
                sql.SQL("REVOKE annotator_reviewer, annotator_analyst FROM {}").format(role)
            )
            conn.execute(
                sql.SQL("REVOKE CONNECT ON DATABASE {} FROM {}").format(
                    sql.Identifier(_database(conn)), role
                )
            )
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
            [name],
        )
    except pg.errors.InsufficientPrivilege as exc:
        raise _not_admin(exc) from None


def whoami(conn: psycopg.Connection) -> Identity:
    """Who the connection writes as: the login role, whether a reviewer, and the analyst id
    registered for it (None until `register_analyst`)."""
    require_hub(conn)
    with conn.transaction():
        row = conn.execute(
            "SELECT current_user, annotator_hub.is_reviewer(), annotator_hub.my_analyst_id()"
        ).fetchone()
    assert row is not None
    return Identity(str(row[0]), bool(row[1]), row[2])


def register_analyst(conn: psycopg.Connection, analyst_id: str, name: str) -> Identity:
    """Tie the connected login to the project's analyst `analyst_id` (once: a login has one
    analyst id for good). Registering the same id again changes nothing."""
    pg = require_psycopg()
    me = whoami(conn)
    if me.analyst_id == analyst_id:
        return me
    if me.analyst_id is not None:
        raise HubError(
            f"The login {me.role!r} already writes as another analyst on this hub "
            f"({me.analyst_id}); sync from a project of that analyst, or clone the hub into "
            "an empty project."
        )
    try:
        with conn.transaction():
            conn.execute(
                "INSERT INTO annotator_hub.analysts (id, name, role_name) "
                "VALUES (%s, %s, current_user)",
                [analyst_id, name],
            )
    except pg.errors.UniqueViolation:
        raise HubError(
            f"The hub already has an analyst named {name!r} or with id {analyst_id}; "
            "choose another name (or ask the hub's admin)."
        ) from None
    return whoami(conn)


def _role_attributes(conn: psycopg.Connection, name: str) -> bool | None:
    """None if there is no role `name`, else whether it is administrative."""
    row = conn.execute(
        "SELECT rolsuper OR rolcreaterole OR rolbypassrls FROM pg_roles WHERE rolname = %s",
        [name],
    ).fetchone()
    return None if row is None else bool(row[0])


def _database(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    return str(row[0])


def _not_admin(exc: Exception) -> HubError:
    return HubError(
        f"Not allowed: {str(exc).strip().splitlines()[0]}. Granting and revoking logins needs "
        "a PostgreSQL superuser (or a role with CREATEROLE and admin rights on the hub's "
        "roles). Nothing was changed."
    )
