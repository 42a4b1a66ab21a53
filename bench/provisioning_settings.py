"""Settings of the server that bench/provisioning_api.py starts: the project's production settings
(DATABASE_URL, REDIS_URL from the environment) plus the bench-only baseline view's URL module."""
from gws_project.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.provisioning_urls"
