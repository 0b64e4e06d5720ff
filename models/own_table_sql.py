"""One-statement inserts of the add-on's own tables, where a benchmark shows that the
ORM cannot meet the target (a reserve plan's thousands of lines: benchmarks/bench_stock.py).

The ORM writes 100 rows a statement and builds a record per row in Python; these helpers send one
statement whatever the size, with typed arrays as parameters (``unnest``). They bypass the ORM:
the caller checks what the ORM would check (access, company, constraints), gives every stored
computed value, and invalidates the cache afterwards. Never for a table of Odoo's own: those are
written through the ORM.
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


def bulk_create(model, vals_list):
    """Create the records of ``vals_list`` in one INSERT and return them.

    For large batches of plain rows only: no ``create`` override, constraint or stored
    computation runs. Each stored field takes its value from ``vals``, else its default
    (``default_get``, once for the batch); a stored computed or related field missing from a
    row's values is an error, as nothing would compute it. The caller checks what the ORM's
    ``create`` would have checked; access rights to create are checked here, before the insert,
    and on the new records (record rules) after it.
    """
    if not vals_list:
        return model.browse()
    model.check_access("create")
    magic = {"id", "create_uid", "create_date", "write_uid", "write_date"}
    fields_ = [
        field for name, field in model._fields.items()
        if field.store and field.column_type and name not in magic
    ]
    given = set().union(*vals_list)
    missing = [f.name for f in fields_ if (f.compute or f.related) and f.name not in given]
    if missing:
        raise ValueError(f"bulk_create({model._name}): no values for computed fields {missing}")
    defaults = model.default_get([f.name for f in fields_ if f.name not in given])
    columns = []
    for field in fields_:
        default = defaults.get(field.name)
        values = [vals.get(field.name, default) for vals in vals_list]
        if field.type == "boolean":
            values = [bool(value) for value in values]
        else:
            values = [None if value is False else value for value in values]
        columns.append((field.name, field.column_type[0], values))
    model.flush_model()
    records = model.browse(bulk_insert(model.env, model._table, columns))
    records.check_access("create")
    return records
