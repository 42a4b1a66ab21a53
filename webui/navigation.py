"""The pages of the web UI and who sees them: one table drives the menu and the access checks.

A page is one more ``Page`` here, one URL and one template; ``roles`` names who may open it.
"/" sends a user to the first page of the table they may open: supervisors and admins to the
live agent board, agents to the softphone.
"""
from dataclasses import dataclass

from provisioning.choices import Role


@dataclass(frozen=True)
class Page:
    """A page of the menu: its URL name (in the webui namespace), label, section and roles."""

    url_name: str
    label: str
    section: str
    roles: tuple

    @property
    def audience(self):
        """Who the page is for, in words (the 403 page says it)."""
        return " and ".join(AUDIENCES[role] for role in self.roles)


ADMIN = (Role.ADMIN.value,)
AGENTS = (Role.AGENT.value, Role.SUPERVISOR.value)
SUPERVISORS = (Role.SUPERVISOR.value, Role.ADMIN.value)
AUDIENCES = {Role.ADMIN.value: "contact center admins", Role.AGENT.value: "agents", Role.SUPERVISOR.value: "supervisors"}

PAGES = (
    Page("board", "Agent board", "Supervision", SUPERVISORS),
    Page("users", "Users", "Provisioning", ADMIN),
    Page("devices", "Devices", "Provisioning", ADMIN),
    Page("skills", "Skills", "Provisioning", ADMIN),
    Page("settings", "Settings groups", "Configuration", ADMIN),
    Page("agent-states", "Agent states", "Configuration", ADMIN),
    Page("cors", "Allowed origins (CORS)", "Configuration", ADMIN),
    Page("dispositions", "Dispositions", "Configuration", ADMIN),
    Page("features", "Features and services", "Configuration", ADMIN),
    Page("softphone", "Softphone", "Agent desktop", AGENTS),
)
PAGES_BY_NAME = {page.url_name: page for page in PAGES}


def may_open(user, page):
    """Whether a signed-in user holds one of the page's roles in a contact center."""
    return user.contact_center_id is not None and any(role in user.roles for role in page.roles)


def menu(user):
    """The pages a user may open, grouped by section, in table order: [(section, [pages])]."""
    sections = {}
    for page in PAGES:
        if may_open(user, page):
            sections.setdefault(page.section, []).append(page)
    return list(sections.items())


def start_page(user):
    """Where "/" sends a user: the first page they may open, or None (the home page)."""
    return next((page for page in PAGES if may_open(user, page)), None)
