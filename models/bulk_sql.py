"""One-statement inserts and updates for the large batches of the pricing engine.

The ORM writes in slices of 100 rows, so its query count grows with the number of parts. These
helpers send one statement whatever the size, with typed arrays as parameters (``unnest``). They
bypass the ORM: callers pass every column the model needs and invalidate the cache afterwards.
"""
from odoo.tools import SQL


def bulk_insert(env, table, columns):
    """Insert rows into ``table`` in one statement and return their ids.

    :param columns: list of ``(column name, SQL type, list of values)``, one value per row;
        create/write uid and date are added.
    """
    if not columns or not columns[0][2]:
        return []
    count = len(columns[0][2])
    now = env.cr.now()
    columns = list(columns) + [
        ("create_uid", "int4", [env.uid] * count),
        ("write_uid", "int4", [env.uid] * count),
        ("create_date", "timestamp", [now] * count),
        ("write_date", "timestamp", [now] * count),
    ]
    env.cr.execute(SQL(
        "INSERT INTO %s (%s) SELECT * FROM unnest(%s) RETURNING id",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(name) for name, _type, _values in columns),
        SQL(", ").join(SQL(f"%s::{sql_type}[]", values) for _name, sql_type, values in columns),
    ))
    return [row[0] for row in env.cr.fetchall()]


def bulk_update(env, table, column, sql_type, values_by_id):
    """Set ``column`` of each row id to its value, in one statement."""
    if values_by_id:
        bulk_update_rows(env, table, list(values_by_id), [(column, sql_type, list(values_by_id.values()))])


def bulk_update_rows(env, table, ids, columns):
    """Set several columns of the rows ``ids``, each row its own values, in one statement.

    :param columns: list of ``(column name, SQL type, list of values)``, one value per id.
    """
    if not ids:
        return
    names = [name for name, _type, _values in columns]
    env.cr.execute(SQL(
        "UPDATE %(table)s AS t SET %(sets)s, write_uid = %(uid)s, write_date = %(now)s "
        "FROM unnest(%(ids)s::int4[], %(arrays)s) AS v(id, %(names)s) WHERE t.id = v.id",
        table=SQL.identifier(table),
        sets=SQL(", ").join(SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name in names),
        uid=env.uid,
        now=env.cr.now(),
        ids=list(ids),
        arrays=SQL(", ").join(SQL(f"%s::{sql_type}[]", list(values)) for _name, sql_type, values in columns),
        names=SQL(", ").join(SQL.identifier(name) for name in names),
    ))
