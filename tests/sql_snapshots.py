"""SQL snapshots: the statements a block of code sends to the database, normalised, compared with a snapshot file.

A query budget written as a number says that one more query appeared; a snapshot says which one, and also shows a
query that changed shape (a lost index condition, a join instead of an ``EXISTS``, a prefetch that became a loop)
without changing the count. The snapshots are syrupy's ``.ambr`` files under ``tests/__snapshots__/``, committed
with the tests; ``pytest --snapshot-update`` rewrites them, and the diff is reviewed like code.

Normalised means: the SQL as Django sends it, with ``%s`` placeholders rather than values (so primary keys, dates
and tokens do not matter), ``IN (%s, %s, …)`` lists and the rows of a multi-row INSERT counted as one whatever
their number, savepoint names replaced by one name,
and the statement laid out by sqlparse so that a diff points at the changed clause.
"""

import re
from contextlib import contextmanager

import sqlparse
from django.db import connection

SAVEPOINT = re.compile(r'^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) +"[^"]+"$')
IN_LIST = re.compile(r"\bIN \((?:%s, )*%s\)")
# Rows of a multi-row INSERT: one row, then the same row again and again.
REPEATED_ROWS = re.compile(r"(\((?:[^()]|\([^()]*\))*\))(?:, \1)+")


def normalise(sql: str) -> str:
    sql = " ".join(sql.split())
    if match := SAVEPOINT.match(sql):
        return f'{match.group(1)} "<savepoint>"'
    sql = IN_LIST.sub("IN (%s, …)", sql)
    sql = REPEATED_ROWS.sub(r"\1, …", sql)
    return sqlparse.format(sql, keyword_case="upper", reindent=True, use_space_around_operators=True).strip()


class CapturedStatements:
    """An execute wrapper (Django's public hook around every cursor.execute) keeping each statement's SQL text."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        text = sql if isinstance(sql, str) else sql.as_string(context["connection"].connection)
        self.statements.append(normalise(text))
        return execute(sql, params, many, context)

    def __len__(self):
        return len(self.statements)

    def as_snapshot(self) -> dict:
        return {"num_queries": len(self.statements), "queries": self.statements}


@contextmanager
def captured_statements(using=connection):
    captured = CapturedStatements()
    with using.execute_wrapper(captured):
        yield captured
