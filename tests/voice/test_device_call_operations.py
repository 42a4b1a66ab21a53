"""SetCallDisposition on the device URL its page shows (POST /me/devices/{id} with callUri and
callUuid): the same checks and effects as on /me/calls/{id}, the call being one of that device's."""
import pytest

from tests.conftest import assert_error
from voice.models import CallUserEvent, VoiceCall

BASE = "http://testserver/api/v2"


def device_url(agent):
    return f"/api/v2/me/devices/{agent.device.pk}"


def disposition(call_id, **extra):
    return {
        "operationName": "SetCallDisposition",
        "callUri": f"{BASE}/calls/{call_id}",  # the page's sample form (/calls/{id})
        "disposition": "IssueResolved",
        "dispositionKey": "DispositionCode",
        **extra,
    }


def test_set_call_disposition_on_the_device_url_active_then_released(established_call, agent_a):
    uuid = VoiceCall.objects.get(pk=established_call).uuid
    response = agent_a.post(device_url(agent_a), disposition(established_call, callUuid=uuid))
    assert response.json() == {"statusCode": 0}
    [changed] = agent_a.messages()
    assert changed["notificationType"] == "AttachedDataChanged"
    assert changed["call"]["userData"] == {"DispositionCode": "IssueResolved"}
    agent_a.operate(established_call, "Hangup")
    agent_a.clear()
    # Released: recorded as a user event, no notification.
    assert agent_a.post(device_url(agent_a), disposition(established_call, disposition="Sale")).json() == {"statusCode": 0}
    assert agent_a.messages() == []
    assert CallUserEvent.objects.get().data == {"DispositionCode": "Sale"}


def test_set_call_disposition_on_the_device_url_by_call_uuid_alone(established_call, agent_a):
    body = disposition(established_call, callUuid=VoiceCall.objects.get(pk=established_call).uuid)
    del body["callUri"]
    assert agent_a.post(device_url(agent_a), body).json() == {"statusCode": 0}
    assert agent_a.messages()[-1]["call"]["userData"] == {"DispositionCode": "IssueResolved"}


@pytest.mark.parametrize(
    "change, status, code",
    [
        ({"callUri": None}, 400, 1),  # neither callUri nor callUuid
        ({"callUri": 17}, 400, 1),
        ({"callUri": ""}, 400, 1),
        ({"callUri": f"{BASE}/calls/0071023821aec011"}, 404, 6),  # no such call
        ({"callUri": None, "callUuid": "011DJV5JI898NB2L04000VTAES00000I"}, 404, 6),
        ({"callUuid": "011DJV5JI898NB2L04000VTAES00000I"}, 400, 10),  # not this call's UUID
        ({"disposition": None}, 400, 1),
        ({"disposition": 5}, 400, 1),
        ({"colour": "red"}, 400, 10),
    ],
)
def test_set_call_disposition_on_the_device_url_failures(established_call, agent_a, change, status, code):
    body = {key: value for key, value in {**disposition(established_call), **change}.items() if value is not None}
    assert_error(agent_a.post(device_url(agent_a), body), status, code)
    assert agent_a.messages() == []
    assert VoiceCall.objects.get(pk=established_call).user_data == []


def test_set_call_disposition_needs_a_call_of_that_device(established_call, agent_a, agent_b):
    # agent_b's device is on the call, but the URL names agent_a's device for agent_b: 6 (not
    # agent_b's device); and agent_a's own device URL with agent_b's call works only for a's party.
    assert_error(agent_b.post(device_url(agent_a), disposition(established_call)), 404, 6)
    assert agent_b.messages() == [] and agent_a.messages() == []


def test_set_call_disposition_on_another_device_of_the_user_is_refused(established_call, admin, agent_a):
    from provisioning import services

    other = services.create_device(admin, {"phoneNumber": "5009"}, user=agent_a.user)
    assert_error(agent_a.post(f"/api/v2/me/devices/{other.pk}", disposition(established_call)), 404, 6)
    assert agent_a.messages() == []


def test_other_call_operations_are_not_accepted_on_the_device_url(established_call, agent_a):
    assert_error(agent_a.post(device_url(agent_a), {"operationName": "Hangup", "callUri": f"{BASE}/calls/{established_call}"}), 400, 10)
    assert agent_a.messages() == []
