from django.apps import AppConfig


class WebUIConfig(AppConfig):
    """The browser UI: login, the admin console, and (later) the agent board and softphone.

    Pages are server-rendered shells; everything they show or change goes through the public
    /api/v2 API from the browser, so the UI is also an end-to-end client of that API.
    """

    name = "webui"
    verbose_name = "Web UI"
