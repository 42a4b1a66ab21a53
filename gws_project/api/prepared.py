"""
Querysets compiled to SQL once per process and run again with new parameter values.

Every request reads its session and its user, and /me its skills, devices and calls: small
queries of a fixed shape. Building and compiling a queryset costs three to five times more CPU
than running its SQL (bench/provisioning_api.py, profiled), so these hot reads are declared once
as ordinary querysets whose varying values are ``Param`` placeholders:

    SESSION = PreparedQuery(lambda: Session.objects.filter(session_key=Param("key", CharField()))
                                                   .values_list("session_data"))
    SESSION.rows(key="...")   # [("...",)]

The ORM still writes the SQL (and the converters it applies to the values read), so the result
is what the same queryset would give; only its compilation is kept. A prepared query has one
shape: no filter that depends on the values (no ``__in`` of a varying list).
"""
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression
from django.db.models.utils import create_namedtuple_class


# The rows read ahead by read_ahead(), by (query, values), while its block runs.
_READ_AHEAD = ContextVar("prepared_read_ahead", default=None)


def _key(values):
    return tuple(sorted(values.items()))


class Param(Expression):
    """A named value of a prepared query, given at run time (``output_field`` prepares it)."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def prepare(self, value, connection):
        return self.output_field.get_db_prep_value(value, connection, prepared=False)


class PreparedQuery:
    """A queryset (built by ``build()``, with ``Param`` placeholders) compiled once per database.

    ``rows(**values)`` gives the rows as tuples of Python values; ``objects(**values)`` model
    instances, for a queryset of whole rows of one model (no ``values()``, no joins).
    """

    def __init__(self, build, using=DEFAULT_DB_ALIAS):
        self._build = build
        self.using = using
        self._compiled = {}
        self._lock = threading.Lock()

    def _compile(self, connection):
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            with self._lock:
                queryset = self._build()
                compiler = queryset.query.get_compiler(connection=connection)
                sql, params = compiler.as_sql()
                selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
                # The converters are the ORM's own (database ops and fields): they do not depend on
                # the connection they were taken from, only on its vendor.
                converters = list(compiler.get_converters(selected).items())
                attnames = None
                if not queryset.query.values_select and not queryset.query.select_related and compiler.klass_info:
                    attnames = [column.target.attname for column in selected]
                compiled = (sql, tuple(params), converters, queryset.model, attnames)
                self._compiled[connection.vendor] = compiled
        return compiled

    @staticmethod
    def _arguments(connection, compiled, values):
        return [param.prepare(values[param.name], connection) if isinstance(param, Param) else param for param in compiled[1]]

    @staticmethod
    def _convert(connection, compiled, rows):
        converters = compiled[2]
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def _execute(self, connection, compiled, values):
        answers = _READ_AHEAD.get()
        if answers:
            rows = answers.pop((self, _key(values)), None)
            if rows is not None:
                return rows
        with connection.cursor() as cursor:
            cursor.execute(compiled[0], self._arguments(connection, compiled, values))
            rows = cursor.fetchall()
        return self._convert(connection, compiled, rows)

    def statement(self, connection, values):
        """The SQL and its arguments for these values, to run elsewhere (another driver, a batch)."""
        compiled = self._compile(connection)
        return compiled[0], self._arguments(connection, compiled, values)

    def convert(self, connection, rows):
        """Rows read with ``statement``, converted as ``rows()`` converts them."""
        return self._convert(connection, self._compile(connection), rows)

    def rows(self, **values):
        """The rows, each a tuple of the selected values (converted as the ORM converts them)."""
        connection = connections[self.using]
        return self._execute(connection, self._compile(connection), values)

    def objects(self, **values):
        """The rows as model instances (as ``list(queryset)`` gives them)."""
        connection = connections[self.using]
        compiled = self._compile(connection)
        model, attnames = compiled[3], compiled[4]
        if attnames is None:
            raise TypeError("objects() needs a queryset of whole rows of its model")
        return [model.from_db(self.using, attnames, row) for row in self._execute(connection, compiled, values)]


def batch(connection, reads, mogrify):
    """The statements of several prepared reads, to send as one multi-statement request.
    ``mogrify(sql, params)`` binds the values client side, as psycopg's ``ClientCursor.mogrify``
    does (and Django's compose_sql with it)."""
    return [mogrify(*query.statement(connection, values)) for query, values in reads]


def batch_answers(connection, reads, results):
    """Each read's rows (``results``: one list of rows per statement of ``batch``), converted, by
    (query, values): what ``answering`` takes."""
    return {(query, _key(values)): query.convert(connection, rows) for (query, values), rows in zip(reads, results)}


def round_trip(connection, statements):
    """Run the statements that ``statements(mogrify)`` makes as one request on a PostgreSQL
    connection of Django's: each statement's rows."""
    from psycopg import ClientCursor  # what Django's compose_sql binds with

    results = []
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements(ClientCursor(cursor.connection).mogrify)))
        results.append(cursor.fetchall())
        while cursor.nextset():
            results.append(cursor.fetchall())
    return results


@contextmanager
def answering(answers):
    """Inside the block, a prepared query asked with the values of one of ``answers`` takes those
    rows (once) instead of going to the database."""
    token = _READ_AHEAD.set(answers)
    try:
        yield
    finally:
        _READ_AHEAD.reset(token)


@contextmanager
def read_ahead(reads, using=DEFAULT_DB_ALIAS):
    """Run prepared queries that the block is about to run, all in one round trip to the database.

    ``reads`` are ``(query, values)`` pairs. Inside the block, each query asked again with the
    same values answers once from these rows instead of going to the database; anything else
    runs as usual, so a read ahead that the block turns out not to need costs only its share of
    the one round trip. /me?subresources=* reads four small things this way (skills, devices,
    agent-state operations, calls) and waits for the database once instead of four times.

    PostgreSQL takes several statements in one request (the values are bound client side by
    psycopg, as Django's compose_sql and its default cursors bind them); on other databases the
    block runs as it would without this.
    """
    connection = connections[using]
    reads = list(reads)
    if connection.vendor != "postgresql" or len(reads) < 2:
        yield
        return
    results = round_trip(connection, lambda mogrify: batch(connection, reads, mogrify))
    with answering(batch_answers(connection, reads, results)):
        yield


def count_and_rows(queryset, start, end):
    """``(queryset.count(), list(queryset[start:end]))`` for a ``values_list(..., named=True)``
    queryset, in one round trip on PostgreSQL: a page of a collection and its ``totalCount``. The
    count is the ORM's own subquery form, ``SELECT COUNT(*) FROM (<the query>)``; the rows are
    converted by the query's compiler and named as the ORM names them. None on other databases,
    or for a query that selects nothing (the ORM answers those without a query)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or not queryset._fields:
        return None
    page = queryset[start:end]
    compiler = page.query.get_compiler(connection=connection)
    try:
        count_sql, count_params = queryset.order_by().query.get_compiler(connection=connection).as_sql()
        page_sql, page_params = compiler.as_sql()
    except EmptyResultSet:
        return None
    [(total,)], fetched = round_trip(
        connection,
        lambda mogrify: [f"SELECT COUNT(*) FROM ({mogrify(count_sql, count_params)}) AS counted", mogrify(page_sql, page_params)],
    )
    named = create_namedtuple_class(*queryset._fields)
    return total, [tuple.__new__(named, row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]
