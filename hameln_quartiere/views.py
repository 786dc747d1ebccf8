"""The first pages: the public start page and the staff portal's start page."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import prefetch_related_objects
from django.views.generic import ListView, TemplateView

from hameln_quartiere.models import Role
from quartiere.models import Quartier

# The coordinator steers, and leadership reads, the whole programme; the quarters assigned to them do not
# limit what they see (see the help text of ``User.quartiere``).
ALL_QUARTERS_ROLES = frozenset({Role.QM_COORDINATOR, Role.LEADERSHIP})


class HomeView(ListView):
    """The public start page: the quarters of the programme."""

    template_name = "quartiere/quartier_list.html"
    context_object_name = "quartiere"
    # The boundary GeoJSON can be large and the start page does not draw a map.
    queryset = Quartier.objects.only("name", "slug", "description", "is_soziale_stadt")


class PortalStartView(LoginRequiredMixin, TemplateView):
    """The staff portal's start page: who is logged in, in which role, for which quarters."""

    template_name = "portal/start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        covers_all = user.role in ALL_QUARTERS_ROLES
        if covers_all:
            quartiere = list(Quartier.objects.only("name", "slug"))
        else:
            # Prefetched onto request.user, so anything else on the page that lists them reuses this query.
            prefetch_related_objects([user], "quartiere")
            quartiere = list(user.quartiere.all())
        context.update(covers_all_quarters=covers_all, quartiere=quartiere)
        return context
