"""Page views: login, logout, the home redirect and the page shells (board, console, softphone).

The views only check who may open a page and render its template; the data on the page is read
and written by the page's JavaScript through the public /api/v2 API with the same session.
"""
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse

from . import navigation


class LoginView(auth_views.LoginView):
    """Django's session login: the JSESSIONID it opens also authorises the API calls."""

    template_name = "webui/login.html"
    redirect_authenticated_user = True
    next_page = "webui:home"


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): flushes the session, the GWS CSRF token with it."""

    next_page = "webui:login"


def _login_redirect(request):
    return redirect(f"{reverse('webui:login')}?next={request.get_full_path()}")


def home(request):
    """"/": supervisors and admins go to the agent board, agents to the softphone (navigation.PAGES
    order), a user without a contact center to a page pointing to the Django admin."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    page = navigation.start_page(request.user)
    if page is not None:
        return redirect(f"webui:{page.url_name}")
    return render(request, "webui/home.html", {"menu": navigation.menu(request.user)})


def page_view(url_name, template_name):
    """A view rendering one page of the navigation table for the users it allows."""
    page = navigation.PAGES_BY_NAME[url_name]

    def view(request, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        context = {"menu": navigation.menu(request.user), "current": page, **kwargs}
        if not navigation.may_open(request.user, page):
            return render(request, "webui/forbidden.html", context, status=403)
        return render(request, template_name, context)

    view.__name__ = f"{url_name.replace('-', '_')}_page"
    return view
