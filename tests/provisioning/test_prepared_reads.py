"""The hot reads made cheaper (gws_project/api/prepared.py, bench/provisioning_api.py) answer
exactly what the ORM paths they replace answer: same rows, same bytes on the wire."""
import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from gws_project.api.prepared import Param, PreparedQuery, read_ahead
from gws_project.api.resources import Resource
from gws_project.api.sessions import SESSION_AND_USER
from provisioning import services, settings_groups
from provisioning.choices import Role
from provisioning.models import ContactCenterFeature, HttpSession, User, UserSkill
from provisioning.resources import UserResource
from tests.conftest import GWSClient, basic, make_user
from voice.agents.models import DeviceAgentState

SKILLS_OF = PreparedQuery(
    lambda: UserSkill.objects.filter(user_id=Param("user", User._meta.pk)).values_list("skill__name", "level")
)
USER_BY_PK = PreparedQuery(lambda: User.objects.filter(pk=Param("pk", User._meta.pk)))


@pytest.fixture
def skilled(admin, sales, support):
    """Two agents with different skills and levels."""
    first = make_user(admin, "first@redwings.com")
    second = make_user(admin, "second@redwings.com", roles=(Role.AGENT, Role.SUPERVISOR), enabled=False)
    services.assign_skill(admin, first, sales, 3)
    services.assign_skill(admin, first, support, 7)
    services.assign_skill(admin, second, support, 1)
    return first, second


# ---------------------------------------------------------------------------------------------
# PreparedQuery
# ---------------------------------------------------------------------------------------------


def test_a_prepared_query_gives_each_value_its_own_rows_as_the_orm_does(skilled):
    for user in skilled:
        expected = list(UserSkill.objects.filter(user_id=user.pk).values_list("skill__name", "level"))
        assert SKILLS_OF.rows(user=user.pk) == expected
    assert SKILLS_OF.rows(user="nobody") == []


def test_a_prepared_query_builds_model_instances_with_converted_values(skilled):
    first, second = skilled
    [loaded] = USER_BY_PK.objects(pk=second.pk)
    fresh = User.objects.get(pk=second.pk)
    assert isinstance(loaded, User) and loaded.pk == fresh.pk
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
    assert loaded.is_active is False and isinstance(loaded.date_joined, datetime.datetime)
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_objects_refuses_a_query_of_values():
    with pytest.raises(TypeError):
        SKILLS_OF.objects(user="x")


def test_a_datetime_parameter_is_prepared_as_the_orm_prepares_it(db):
    now = timezone.now()
    HttpSession.objects.create(session_key="k" * 32, session_data="live", expire_date=now + datetime.timedelta(minutes=5))
    HttpSession.objects.create(session_key="e" * 32, session_data="expired", expire_date=now - datetime.timedelta(seconds=1))
    [(data, *user)] = SESSION_AND_USER.rows(key="k" * 32, now=now)
    assert data == "live" and set(user) == {None}  # nobody logged in: no user row joined
    assert SESSION_AND_USER.rows(key="e" * 32, now=now) == []


# ---------------------------------------------------------------------------------------------
# read_ahead: several prepared reads in one round trip
# ---------------------------------------------------------------------------------------------


def test_reads_read_ahead_answer_as_they_would_alone_and_once(skilled, django_assert_num_queries):
    first, second = skilled
    alone = {user.pk: SKILLS_OF.rows(user=user.pk) for user in skilled}
    reads = [(SKILLS_OF, {"user": first.pk}), (SKILLS_OF, {"user": second.pk}), (USER_BY_PK, {"pk": second.pk})]
    together = connection.vendor == "postgresql"
    with django_assert_num_queries(1 if together else 3):
        with read_ahead(reads):
            assert SKILLS_OF.rows(user=second.pk) == alone[second.pk]
            assert SKILLS_OF.rows(user=first.pk) == alone[first.pk]
            [loaded] = USER_BY_PK.objects(pk=second.pk)
    assert loaded == second and loaded.is_active is False
    # Each answer serves once; a read with other values, or after the block, goes to the database.
    with django_assert_num_queries(3):  # PostgreSQL: the two read ahead, then each again
        with read_ahead([(SKILLS_OF, {"user": first.pk}), (SKILLS_OF, {"user": "nobody"})]):
            assert SKILLS_OF.rows(user=first.pk) == alone[first.pk]
            assert SKILLS_OF.rows(user=first.pk) == alone[first.pk]
        assert SKILLS_OF.rows(user="nobody") == []


def test_an_empty_answer_read_ahead_is_an_answer(db, django_assert_num_queries):
    with read_ahead([(SKILLS_OF, {"user": "nobody"}), (SKILLS_OF, {"user": "no one"})]):
        with django_assert_num_queries(0 if connection.vendor == "postgresql" else 1):
            assert SKILLS_OF.rows(user="nobody") == []


# ---------------------------------------------------------------------------------------------
# Session and user of a request
# ---------------------------------------------------------------------------------------------


def test_the_session_cookie_alone_authenticates_and_an_expired_one_does_not(agent):
    client = GWSClient(agent.user_name)
    cookie_only = GWSClient()
    cookie_only.cookies = client.cookies
    assert cookie_only.get("/api/v2/me").json()["user"]["userName"] == agent.user_name
    HttpSession.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert cookie_only.get("/api/v2/me").status_code == 401


def test_a_session_of_a_user_disabled_since_login_is_anonymous(admin, agent):
    client = GWSClient(agent.user_name)
    cookie_only = GWSClient()
    cookie_only.cookies = client.cookies
    assert cookie_only.get("/api/v2/me").status_code == 200
    services.update_user(admin, agent, {"enabled": False})
    assert cookie_only.get("/api/v2/me").status_code == 401


def test_a_sessions_user_is_read_with_it_as_the_user_is_now(admin, agent):
    client = GWSClient(agent.user_name)
    cookie_only = GWSClient()
    cookie_only.cookies = client.cookies
    assert HttpSession.objects.get().user_id == agent.pk
    services.update_user(admin, agent, {"firstName": "Renamed"})
    assert cookie_only.get("/api/v2/me").json()["user"]["firstName"] == "Renamed"


def test_deleting_a_user_ends_its_sessions(admin, admin_client, agent):
    client = GWSClient(agent.user_name)
    assert client.get("/api/v2/me").status_code == 200
    assert admin_client.delete(f"/api/v2/users/{agent.pk}").json()["statusCode"] == 0
    assert not HttpSession.objects.filter(user_id=agent.pk).exists()
    cookie_only = GWSClient()
    cookie_only.cookies = client.cookies
    assert cookie_only.get("/api/v2/me").status_code == 401


def test_logging_in_as_another_user_on_a_session_names_the_new_user(agent, supervisor):
    client = GWSClient(agent.user_name)
    as_supervisor = client.get("/api/v2/me", headers={"Authorization": basic(supervisor.user_name)})
    assert as_supervisor.json()["user"]["userName"] == supervisor.user_name
    cookie_only = GWSClient()
    cookie_only.cookies = client.cookies
    assert cookie_only.get("/api/v2/me").json()["user"]["userName"] == supervisor.user_name
    # Django's login() replaced the agent's session with a new one.
    assert list(HttpSession.objects.values_list("user_id", flat=True)) == [supervisor.pk]


def test_a_session_of_a_user_whose_password_changed_is_anonymous(admin, agent):
    client = GWSClient(agent.user_name)
    cookie_only = GWSClient()
    cookie_only.cookies = client.cookies
    services.update_user(admin, agent, {"password": "a-new-password"})
    assert cookie_only.get("/api/v2/me").status_code == 401


# ---------------------------------------------------------------------------------------------
# Byte-for-byte: the users list from value rows, /me and /users/{id} from prepared queries
# ---------------------------------------------------------------------------------------------


def _bytes(data):
    return json.dumps(data, separators=(",", ":")).encode()


@pytest.mark.parametrize("fields", ["*", "id,userName,roles,enabled", "roles,lastName,changePasswordOnFirstLogin"])
def test_a_user_listed_from_value_rows_is_byte_for_byte_the_user_read_alone(admin_client, skilled, agent, supervisor, fields):
    ids = [user.pk for user in User.objects.filter(contact_center=agent.contact_center).order_by("user_name", "pk")]
    listed = admin_client.get(f"/api/v2/users?fields={fields}&limit=500&sortBy=userName").json()["users"]
    assert len(listed) == len(ids) == 5
    for user_id, user in zip(ids, listed):
        full = admin_client.get(f"/api/v2/users/{user_id}").json()["user"]
        expected = full if fields == "*" else {name: full[name] for name in fields.split(",")}
        assert _bytes(user) == _bytes(expected)


@pytest.fixture
def rich_agent(admin, sales, support):
    """An agent with skills, three devices (Ready with a custom operation's signature, NotReady
    AfterCallWork, and one never logged in), forwarding and DND set on some."""
    user = make_user(admin, "rich@redwings.com", firstName="Rich", lastName="Agent")
    services.assign_skill(admin, user, support, 4)
    services.assign_skill(admin, user, sales, 9)
    settings_groups.create_setting(
        admin, "agent-states",
        {"operationName": "Training", "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"},
    )
    first = services.create_device(admin, {"phoneNumber": "5101", "model": "Desk", "vendor": "Acme"}, user=user)
    second = services.create_device(admin, {"phoneNumber": "5100"}, user=user)
    services.create_device(admin, {"phoneNumber": "5102"}, user=user)
    DeviceAgentState.objects.create(device=first, state="NotReady", work_mode="AuxWork", reason="Training")
    DeviceAgentState.objects.create(device=second, state="NotReady", work_mode="AfterCallWork")
    first.do_not_disturb, first.forward_to = "On", "5555"
    first.save()
    return user


@pytest.fixture
def orm_prefetch(monkeypatch):
    """Switch one user's subresources back to the ORM's prefetch_related path."""

    def switch():
        monkeypatch.setattr(UserResource, "prefetch_object", Resource.prefetch_object)

    return switch


def _without_sequence(body):
    body["user"].pop("notificationSequence", None)
    body.pop("notificationSequence", None)
    return body


@pytest.mark.parametrize(
    "subresources", ["*", "skills", "devices", "statistics", "devices,statistics", "skills,settings,calls"]
)
def test_me_from_prepared_queries_is_byte_for_byte_the_prefetch_path(rich_agent, orm_prefetch, subresources):
    client = GWSClient(rich_agent.user_name)
    path = f"/api/v2/me?subresources={subresources}"
    prepared = _without_sequence(client.get(path).json())
    orm_prefetch()
    expected = _without_sequence(client.get(path).json())
    assert _bytes(prepared) == _bytes(expected)
    if subresources == "*":
        devices = prepared["user"]["devices"]
        assert [d["phoneNumber"] for d in devices] == ["5100", "5101", "5102"]
        assert devices[1]["userState"]["displayName"] == "Training" and devices[2]["userState"]["state"] == "LoggedOut"
        assert [s["name"] for s in prepared["user"]["skills"]] == ["Sales", "Support"]


def test_a_supervisors_devices_from_prepared_queries_are_the_prefetch_paths(admin, supervisor, orm_prefetch):
    ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id="api-supervisor-monitoring")
    services.create_device(admin, {"phoneNumber": "5200"}, user=supervisor)
    client = GWSClient(supervisor.user_name)
    prepared = _without_sequence(client.get("/api/v2/me?subresources=devices").json())
    assert "ListenIn" in prepared["user"]["devices"][0]["capabilities"]
    orm_prefetch()
    assert _bytes(prepared) == _bytes(_without_sequence(client.get("/api/v2/me?subresources=devices").json()))


def test_a_user_read_alone_with_subresources_is_byte_for_byte_the_prefetch_path(admin_client, rich_agent, orm_prefetch):
    path = f"/api/v2/users/{rich_agent.pk}?subresources=*"
    prepared = admin_client.get(path).json()
    orm_prefetch()
    assert _bytes(prepared) == _bytes(admin_client.get(path).json())


@pytest.mark.parametrize("save", ["save", "asave"])
def test_a_saved_session_names_its_user_whether_saved_from_sync_or_async_code(agent, save):
    from asgiref.sync import async_to_sync
    from django.contrib.auth import SESSION_KEY

    from gws_project.api.sessions import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = agent.pk
    if save == "asave":
        async_to_sync(store.asave)()
    else:
        store.save()
    assert HttpSession.objects.get(session_key=store.session_key).user_id == agent.pk
    assert SessionStore(store.session_key).loaded_user(agent.pk) is None  # nothing read yet
    loaded = SessionStore(store.session_key)
    assert loaded[SESSION_KEY] == agent.pk and loaded.loaded_user(agent.pk) == agent
    assert loaded.loaded_user("someone-else") is None


# ---------------------------------------------------------------------------------------------
# count_and_rows: a page and its totalCount in one round trip
# ---------------------------------------------------------------------------------------------

ROW_FIELDS = UserResource.row_fields


@pytest.mark.parametrize(
    "shape, start, end",
    [
        (lambda users: users.order_by("last_name", "pk"), 0, 100),
        (lambda users: users.order_by("-user_name", "pk"), 1, 3),
        (lambda users: users.filter(user_skills__skill__name="Support").order_by("user_name"), 0, 10),
        (lambda users: users.filter(is_active=True).order_by("pk"), 50, 60),  # past the end
    ],
    ids=["sorted", "descending, offset", "joined filter", "past the end"],
)
def test_count_and_rows_answers_what_count_and_a_slice_answer(admin, skilled, shape, start, end):
    from gws_project.api.prepared import count_and_rows

    queryset = shape(User.objects.filter(contact_center=admin.contact_center)).values_list(*ROW_FIELDS, named=True)
    expected = (queryset.count(), list(queryset[start:end]))
    counted = count_and_rows(queryset, start, end)
    if connection.vendor != "postgresql":
        assert counted is None  # the ORM's two queries
        return
    assert counted == expected and [row._fields for row in counted[1]] == [row._fields for row in expected[1]]


def test_count_and_rows_leaves_a_query_that_selects_nothing_to_the_orm(admin):
    from gws_project.api.prepared import count_and_rows

    assert count_and_rows(User.objects.filter(pk__in=[]).values_list(*ROW_FIELDS, named=True), 0, 10) is None


def test_a_page_of_users_and_its_total_cost_one_round_trip_on_postgresql(admin, skilled, django_assert_num_queries):
    client = GWSClient(admin.user_name)
    client.get("/api/v2/me")  # the session
    # the session and its user, then the total and the page (two on other databases)
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        body = client.get("/api/v2/users?fields=*&limit=2&sortBy=lastName").json()
    assert body["totalCount"] == 3 and len(body["users"]) == 2
