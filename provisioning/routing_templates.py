"""The read-only routing templates catalogue (GET /api/v2/system/routing-templates).

The two templates are the document's; it elides their parameter schemas ("schema": [...]), so
each schema here lists the parameters its dependencies name.
"""
from gws_project.api.errors import NotFound

ROUTING_TEMPLATES = [
    {
        "id": "00_RouteToSpecDestination",
        "name": "Route Call to Specified Destination",
        "description": "Routes calls to a skill or queue",
        "version": "1.0.0",
        "channel": "voice",
        "dependencies": ["media", "destination"],
        "enabled": True,
        "schema": [
            {"name": "media", "type": "string", "mandatory": False},
            {"name": "destination", "type": "string", "mandatory": True},
        ],
    },
    {
        "id": "07_SegmentCallerRouteToSpecDestination",
        "name": "Play Greeting, Segment Caller, and Route To Specified Destination",
        "description": "Plays a user-configured greeting, segments the caller and routes to a specified destination",
        "version": "1.0.0",
        "channel": "voice",
        "dependencies": ["media", "destination", "data_record_type"],
        "enabled": False,
        "schema": [
            {"name": "media", "type": "string", "mandatory": True},
            {"name": "destination", "type": "string", "mandatory": True},
            {"name": "data_record_type", "type": "string", "mandatory": True},
        ],
    },
]


def find(template_id):
    """One routing template; 6 when the catalogue has no such template."""
    found = next((template for template in ROUTING_TEMPLATES if template["id"] == template_id), None)
    if found is None:
        raise NotFound(f"Routing template '{template_id}' does not exist")
    return found
