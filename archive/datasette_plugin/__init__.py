"""The datasette plugin of a nianbao archive, registered by entry point (pyproject.toml).

With it installed, plain `datasette nianbao.db` (and `datasette publish`) serves what
`nianbao serve` serves: the bilingual metadata and canned queries of archive/metadata.yml,
a page per report version, the archived originals decompressed, and the search that finds
two-character Chinese words. It acts only on databases that are nianbao archives (they
have `reports`, `report_versions` and `cells`), so it can sit beside other databases.

Metadata comes from the `get_metadata` hook, not a metadata.yml on the command line, so
the labels follow the codebook of the installed nianbao; a user's own `--metadata` still
wins (datasette merges it last).
"""
from __future__ import annotations

import sqlite3
import zlib
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import BadRequest, NotFound, Response
from markupsafe import Markup

from archive import report_page, search, serve

ARCHIVE_TABLES = {"reports", "report_versions", "cells"}
# The database page's order: what a reader starts from first, the crawler's bookkeeping
# after, the raw bytes (hidden) last; tables not named here come before the bookkeeping.
TABLE_ORDER = ("reports", "report_versions", "cells", "cell_keys", "changes", "events", "contacts",
               "failed_checks", None, "sites", "crawls", "crawl_sites", "crawl_errors", "captures",
               "totals_by_year", "totals_by_organ", "blobs")
VIEW_ORDER = ("scorecard", "latest_reports", "figures", "changes_named", "cells_named", None, "latest_figures")


def is_archive(path) -> bool:
    """Whether the SQLite file at path is a nianbao archive (read-only peek at its tables)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return ARCHIVE_TABLES <= names


def archive_names(datasette) -> list[str]:
    """Names of the served databases that are archives (looked at once per Datasette and file)."""
    known = datasette.__dict__.setdefault("_nianbao_archives", {})
    names = []
    for name, db in datasette.databases.items():
        if db.path is None:  # :memory: and the internal database
            continue
        if (name, db.path) not in known:
            known[(name, db.path)] = is_archive(db.path)
        if known[(name, db.path)]:
            names.append(name)
    return names


@hookimpl
def get_metadata(datasette, key, database, table):
    names = archive_names(datasette)
    if not names:
        return {}
    metadata = None
    for name in names:
        built = serve.build_metadata(name)
        if metadata is None:
            metadata = built
        else:
            metadata["databases"].update(built["databases"])
            metadata["plugins"]["datasette-dashboards"].update(built["plugins"]["datasette-dashboards"])
    return metadata


@hookimpl(trylast=True)  # after datasette's own functions: ours replaces its escape_fts on archives
def prepare_connection(conn, database, datasette):
    serve.tune_connection(conn)
    if database not in archive_names(datasette):
        return
    search.register_functions(conn)
    # datasette's search box sends what was typed through escape_fts(); on an archive
    # it must become the bigram query of the index the box searches (archive.search)
    conn.create_function("escape_fts", 1, search.match_query, deterministic=True)


def _ordered(items, order):
    rank = {name: n for n, name in enumerate(order)}
    return sorted(items, key=lambda item: (bool(item.get("hidden")), rank.get(item["name"], rank[None]), item["name"]))


@hookimpl
def extra_template_vars(template, database, datasette):
    archive = database is not None and database in archive_names(datasette)

    def nianbao_order(items, kind):
        if not archive or not items:
            return items
        return _ordered(items, TABLE_ORDER if kind == "tables" else VIEW_ORDER)

    return {"nianbao_archive": archive, "nianbao_order": nianbao_order}


# ---------------------------------------------------------------- pages and links

def _path(datasette, database: str, *parts) -> str:
    return "/".join([datasette.urls.database(database), "-", *map(str, parts)])


async def _archive(datasette, request, table: str):
    """The archive database named in the URL, after the permission checks of its table."""
    database = tilde_decode(request.url_vars["database"])
    if database not in archive_names(datasette):
        raise NotFound(f"{database}: not a nianbao archive")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, table)), ("view-database", database), "view-instance"])
    return database, datasette.get_database(database)


async def report_view(datasette, request):
    """One report version laid out as the official tables (archive.report_page)."""
    database, db = await _archive(datasette, request, "reports")
    report_id = int(request.url_vars["report_id"])
    version = request.args.get("version")
    if version is not None and not version.isdigit():
        raise BadRequest("version must be a number")
    page = await db.execute_fn(lambda conn: report_page.load(conn, report_id, int(version) if version else None))
    if page is None:
        raise NotFound(f"no report {report_id}" + (f" version {version}" if version else ""))
    capture = page["capture"]
    context = {
        "database": database,
        "page": page,
        "tables": report_page.tables(page["cells"], page["version"]["template"], page["failed_checks"],
                                     page["changes"], page["left_out"]),
        "report_base": _path(datasette, database, "report"),
        "report_path": _path(datasette, database, "report", report_id),
        "capture_base": _path(datasette, database, "capture"),
        "capture_path": _path(datasette, database, "capture", capture["id"]) if capture and capture["sha256"] else None,
        "figures_path": (datasette.urls.table(database, "figures") + f"?report_id={report_id}" if page["is_latest"]
                         else datasette.urls.table(database, "cells_named") + f"?version_id={page['version']['id']}"),
        "scorecard_path": (datasette.urls.table(database, "scorecard") + f"?site_id={page['report']['site_id']}"
                           if page["report"]["site_id"] is not None else None),
    }
    return Response.html(await datasette.render_template("nianbao_report.html", context, request=request))


async def capture_view(datasette, request):
    """The bytes of one capture, decompressed, with the Content-Type it was served with."""
    database, db = await _archive(datasette, request, "captures")
    row = (await db.execute(
        "SELECT c.url, c.fetched_at, c.content_type, c.sha256, b.compression, b.content"
        " FROM captures c JOIN blobs b ON b.sha256 = c.sha256 WHERE c.id = ?",
        [int(request.url_vars["capture_id"])])).first()
    if row is None:
        raise NotFound("no capture with bytes by that id")
    return original_response(*row)


async def blob_view(datasette, request):
    """The bytes of a blob, decompressed, as its latest capture was served."""
    database, db = await _archive(datasette, request, "blobs")
    row = (await db.execute(
        "SELECT c.url, c.fetched_at, c.content_type, b.sha256, b.compression, b.content"
        " FROM blobs b LEFT JOIN captures c ON c.sha256 = b.sha256 WHERE b.sha256 = ?"
        " ORDER BY c.id DESC LIMIT 1", [request.url_vars["sha256"].lower()])).first()
    if row is None:
        raise NotFound("no blob with that sha256")
    return original_response(*row)


def original_response(url, fetched_at, content_type, sha256, compression, content) -> Response:
    """An archived document as it was served, and unable to act on this origin.

    Anything but a PDF goes out under `Content-Security-Policy: sandbox` with nothing else
    allowed: no script runs, the page has an opaque origin (no cookies or storage of the
    datasette site), and it loads nothing from the live site, so reading the archive tells
    the publisher nothing. Chromium's PDF viewer refuses a sandboxed document, and a PDF
    runs no script in it.
    """
    body = zlib.decompress(content) if compression == "zlib" else bytes(content)
    content_type = content_type or "application/octet-stream"
    name = (url or sha256).rstrip("/").rsplit("/", 1)[-1] or sha256
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
        "X-Archived-Url": quote(url or "", safe=":/?#[]@!$&'()*+,;=%~"),
        "X-Archived-Fetched-At": fetched_at or "",
        "X-Archived-Sha256": sha256,
        "Cache-Control": "max-age=31536000, immutable",  # a capture's bytes never change
    }
    if content_type.split(";", 1)[0].strip().lower() != "application/pdf":
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return Response(body, status=200, headers=headers, content_type=content_type)


@hookimpl
def register_routes(datasette):
    return [
        (r"^/(?P<database>[^/]+)/-/report/(?P<report_id>\d+)$", report_view),
        (r"^/(?P<database>[^/]+)/-/capture/(?P<capture_id>\d+)$", capture_view),
        (r"^/(?P<database>[^/]+)/-/blob/(?P<sha256>[0-9a-fA-F]{64})$", blob_view),
    ]


def _row_value(row, column):
    try:
        return row[column]
    except (KeyError, IndexError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Whatever names a report links to its page, a capture or blob to its decompressed bytes."""
    if database not in archive_names(datasette):
        return None
    if column == "report_id" and isinstance(value, dict) and isinstance(value.get("value"), int):
        # a foreign key datasette expanded to its label (the organ): the page, not the row
        return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(
            _path(datasette, database, "report", value["value"]), value["label"], value["value"])
    if column == "report_id" and isinstance(value, int):
        return _link(_path(datasette, database, "report", value), value)
    if table == "reports" and column == "organ" and isinstance(_row_value(row, "id"), int):
        return _link(_path(datasette, database, "report", row["id"]), value)
    if column in ("sha256", "capture_sha256") and isinstance(value, str) and len(value) == 64:
        return _link(_path(datasette, database, "blob", value), value)
    if column == "capture_id" and isinstance(value, int):
        return _link(_path(datasette, database, "capture", value), value)
    if table == "blobs" and column == "content" and isinstance(_row_value(row, "sha256"), str):
        return _link(_path(datasette, database, "blob", row["sha256"]), "打开原件 / open the original")
    return None


def _link(href: str, text) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)
