"""A person's own account: changing the password in the portal.

Changing it ends every other session of that person at once: Django keeps a hash of the password in each
session and refuses sessions whose hash no longer matches; ``PasswordChangeView`` renews the hash of the
session the change was made in (``update_session_auth_hash``), so only that one stays logged in.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hameln_quartiere.views import PortalMixin


class PasswordChangeView(PortalMixin, auth_views.PasswordChangeView):
    """For everyone with a portal role: their own password, checked against the password rules
    (``AUTH_PASSWORD_VALIDATORS``). The admin has its own page for the city's administrators."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("portal")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password has been changed. Every other session of yours has been logged out.")
        )
        return response
