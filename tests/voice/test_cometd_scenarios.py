"""Scenario tests through the real CometD client (aiocometd-ng against daphne): the exact
notification sequence of each operation page, as a desktop receives it."""
import aiohttp
import pytest
from asgiref.sync import async_to_sync

from provisioning import services as provisioning
from tests.conftest import make_user
from tests.notifications.conftest import cometd_settings, live_cometd_url  # noqa: F401 - fixtures
from tests.notifications.live import cometd_client, gws_login, nothing_received, receive

pytestmark = pytest.mark.django_db(transaction=True)


class Desk:
    """One agent's desktop: an HTTP session and a CometD client subscribed to /v2/me/*."""

    def __init__(self, url, user, device):
        self.url, self.user, self.device = url, user, device

    async def __aenter__(self):
        self.headers = await gws_login(self.url, self.user.user_name)
        self.http = aiohttp.ClientSession(headers=self.headers)
        self.client = cometd_client(self.url, self.headers, self.transport)
        await self.client.open()
        await self.client.subscribe("/v2/me/*")
        return self

    async def __aexit__(self, *exc):
        await self.client.close()
        await self.http.close()

    async def post(self, path, body):
        async with self.http.post(f"{self.url}/api/v2{path}", json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def dial(self, number, **extra):
        return await self.post(f"/me/devices/{self.device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": number}, **extra})

    async def operate(self, call_id, operation, **params):
        return await self.post(f"/me/calls/{call_id}", {"operationName": operation, **params})

    async def next(self, count=1):
        """The next count CallStateChangeMessage/ErrorMessage data, in order."""
        found = []
        while len(found) < count:
            message = await receive(self.client)
            assert message["channel"] in ("/v2/me/calls", "/v2/me/devices"), message
            found.append(message["data"])
        return found

    async def expect(self, *expected):
        """Assert the next messages are (notificationType, call id or None, state) in order."""
        got = await self.next(len(expected))
        summary = [(m["notificationType"], m["call"]["id"], m["call"]["state"]) for m in got]
        wanted = [(n, c if c is not None else s[1], st) for (n, c, st), s in zip(expected, summary)]
        assert summary == wanted
        return got


@pytest.fixture
def desks(admin, live_cometd_url):  # noqa: F811
    people = []
    for name, number in (("ann@redwings.com", "5005"), ("bob@redwings.com", "5001"), ("cid@redwings.com", "5000")):
        user = make_user(admin, name)
        people.append((user, provisioning.create_device(admin, {"phoneNumber": number}, user=user)))

    def make(transport="websocket"):
        made = [Desk(live_cometd_url, user, device) for user, device in people]
        for desk in made:
            desk.transport = transport
        return made

    return make


S, P, D = "StatusChange", "ParticipantsUpdated", "AttachedDataChanged"


@pytest.mark.parametrize("transport", ["websocket", "long-polling"])
def test_dial_answer_hold_retrieve_hangup(desks, transport):
    async def scenario():
        ann, bob, cid = desks(transport)
        async with ann, bob:
            await ann.dial("5001")
            [dialing] = await ann.expect((S, None, "Dialing"))
            call = dialing["call"]["id"]
            await bob.expect((S, call, "Ringing"))
            await bob.operate(call, "Answer")
            await bob.expect((S, call, "Established"))
            await ann.expect((S, call, "Established"))
            await ann.operate(call, "Hold")
            await ann.expect((S, call, "Held"))
            await ann.operate(call, "Retrieve")
            await ann.expect((S, call, "Established"))
            await ann.operate(call, "Hangup")
            [released] = await ann.expect((S, call, "Released"))
            assert released["call"]["capabilities"] == []
            await bob.expect((S, call, "Released"))
            assert await nothing_received(ann.client, 0.3)

    async_to_sync(scenario)()


def test_toast_and_case_data(desks, admin_client):
    admin_client.post("/api/v2/settings/voice", {"name": "toast-filter", "value": [{"attachedDataKey": "CustomerName", "displayName": "Customer"}]})
    admin_client.post("/api/v2/settings/voice", {"name": "case-filter", "value": [{"attachedDataKey": "POC", "displayName": "Purpose of Call"}]})

    async def scenario():
        ann, bob, _ = desks()
        async with ann, bob:
            await ann.dial("5001", userData={"POC": "New Service", "CustomerName": "Chris"})
            [dialing] = await ann.next()
            [ringing] = await bob.next()
            assert ringing["call"]["toast"] == [{"key": "CustomerName", "displayName": "Customer", "value": "Chris"}]
            await bob.operate(ringing["call"]["id"], "Answer")
            [established] = await bob.next()
            assert established["call"]["case"] == [{"key": "POC", "displayName": "Purpose of Call", "value": "New Service"}]

    async_to_sync(scenario)()


def test_call_data_dtmf_and_disposition(desks):
    async def scenario():
        ann, bob, _ = desks()
        async with ann, bob:
            await ann.dial("5001")
            call = (await ann.next())[0]["call"]["id"]
            await bob.next()
            await bob.operate(call, "Answer")
            await bob.next(), await ann.next()
            await ann.operate(call, "AttachUserData", userData={"Colors": "Blue"})
            [attached] = await ann.expect((D, call, "Established"))
            assert attached["call"]["userData"] == {"Colors": "Blue"}
            await bob.expect((D, call, "Established"))
            await ann.operate(call, "UpdateUserData", userData={"CustomerName": "Willard", "CustomerSegment": "Platinum"})
            await ann.operate(call, "DeleteUserDataPair", key="CustomerSegment")
            _, [pair] = await ann.next(), await ann.next()
            assert pair["call"]["userData"] == {"Colors": "Blue", "CustomerName": "Willard"}
            await ann.operate(call, "DeleteUserData")
            [deleted] = await ann.expect((D, call, "Established"))
            assert "userData" not in deleted["call"]
            await ann.operate(call, "SendDtmf", digits="7")
            await ann.expect(("DtmfSent", call, "Established"))
            await ann.operate(call, "SetCallDisposition", disposition="IssueResolved", dispositionKey="DispositionCode")
            [disposed] = await ann.expect((D, call, "Established"))
            assert disposed["call"]["userData"] == {"DispositionCode": "IssueResolved"}

    async_to_sync(scenario)()


def test_initiate_and_complete_transfer_full_example(desks):
    """The "Full Example Scenario" of InitiateTransfer/CompleteTransfer (5000 -> 5005, consult 5001)."""

    async def scenario():
        ann, bob, cid = desks()
        async with ann, bob, cid:
            await cid.dial("5005")
            call = (await cid.next())[0]["call"]["id"]
            [ringing] = await ann.expect((S, call, "Ringing"))
            assert sorted(ringing["call"]["capabilities"]) == sorted(["UpdateUserData", "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Answer"])
            await ann.operate(call, "Answer")
            await ann.expect((S, call, "Established"))
            await cid.expect((S, call, "Established"))
            await ann.operate(call, "InitiateTransfer", destination={"phoneNumber": "5001"})
            held, dialing = await ann.expect((S, call, "Held"), (S, None, "Dialing"))
            consult = dialing["call"]["id"]
            assert dialing["call"]["callType"] == "Consult" and dialing["call"]["parentCallUri"].endswith(f"/me/calls/{call}")
            await bob.expect((S, consult, "Ringing"))
            await ann.operate(consult, "CompleteTransfer")
            await ann.expect((S, call, "Released"), (S, consult, "Released"))
            await bob.expect((S, consult, "Released"), (S, call, "Ringing"))
            await cid.expect((P, call, "Established"))
            await bob.operate(call, "Answer")
            await bob.expect((S, call, "Established"))

    async_to_sync(scenario)()


def test_swap_calls_full_example(desks):
    async def scenario():
        ann, bob, cid = desks()
        async with ann, bob, cid:
            await cid.dial("5005")
            first = (await cid.next())[0]["call"]["id"]
            await ann.next()
            await ann.operate(first, "Answer")
            await ann.expect((S, first, "Established"))
            await ann.operate(first, "Hold")
            await ann.expect((S, first, "Held"))
            await ann.dial("5001")
            [dialing] = await ann.expect((S, None, "Dialing"))
            second = dialing["call"]["id"]
            assert {"SwapCalls", "CompleteTransfer"} <= set(dialing["call"]["capabilities"])
            await bob.next()
            await bob.operate(second, "Answer")
            [answered] = await ann.expect((S, second, "Established"))
            assert {"SwapCalls", "CompleteTransfer", "CompleteConference"} <= set(answered["call"]["capabilities"])
            await ann.operate(second, "SwapCalls", otherCallUri=f"http://localhost/api/v2/me/calls/{first}")
            await ann.expect((S, second, "Held"), (S, first, "Established"))

    async_to_sync(scenario)()


def test_three_party_conference(desks):
    async def scenario():
        ann, bob, cid = desks()
        async with ann, bob, cid:
            await ann.dial("5001")
            call = (await ann.next())[0]["call"]["id"]
            await bob.next()
            await bob.operate(call, "Answer")
            await bob.next(), await ann.next()
            await ann.operate(call, "InitiateConference", destination={"phoneNumber": "5000"})
            _, dialing = await ann.expect((S, call, "Held"), (S, None, "Dialing"))
            consult = dialing["call"]["id"]
            await cid.expect((S, consult, "Ringing"))
            await cid.operate(consult, "Answer")
            await cid.next(), await ann.next()
            await ann.operate(consult, "CompleteConference")
            _, updated = await ann.expect((S, consult, "Released"), (P, call, "Established"))
            assert updated["call"]["participants"] == ["5001", "5000"]
            await bob.expect((P, call, "Established"))
            await cid.expect((S, consult, "Released"), (P, call, "Established"))
            await ann.operate(call, "RemoveParticipantFromConference", participant="5000")
            await cid.expect((S, call, "Released"))
            [after] = await ann.expect((P, call, "Established"))
            assert after["call"]["participants"] == ["5001"]

    async_to_sync(scenario)()
