"""The public pages of a quarter: what residents see. Only approved content, in its approved version."""

from django.db.models import Prefetch
from django.views.generic import DetailView

from quartiere.models import Quartier
from treffpunkte.models import Angebot, Treffpunkt


class QuartierPublicView(DetailView):
    """A quarter's public page: its profile, its approved meeting points and their approved offers."""

    template_name = "quartiere/quartier_public.html"
    context_object_name = "quartier"
    queryset = Quartier.objects.defer("boundary")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offers = Angebot.objects.approved().select_related("kategorie").order_by("title")
        context["treffpunkte"] = (
            Treffpunkt.objects.approved()
            .filter(quartier=self.object)
            .exclude(status=Treffpunkt.Status.CLOSED)
            .prefetch_related(Prefetch("angebote", queryset=offers, to_attr="approved_offers"))
            .order_by("name")
        )
        context["mobile_offers"] = offers.filter(quartier=self.object, is_mobile=True)
        return context
