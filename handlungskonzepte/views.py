"""The action concept's own portal pages, on top of the pages every entry shares (``hameln_quartiere.views``).

The detail pages of concepts, findings, goals and measures add the entry's links in both directions and the
progress roll-up; a measure's page takes progress updates; the traceability chain has a page per concept and,
the way back, per offer. Each page reads a fixed number of queries however many entries there are.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from hameln_quartiere.rules import may
from hameln_quartiere.views import EntryDetailView, EntryMixin
from handlungskonzepte.forms import SachstandForm
from handlungskonzepte.models import Befund, Handlungsfeld, Handlungskonzept, Massnahme, Ziel
from handlungskonzepte.services import concept_rollup, mean, record_progress, traceability_chain
from treffpunkte.models import Angebot
from zusammenarbeit.praxis import transfer_links


class HandlungskonzeptPages:
    """An action concept's page: progress roll-up, fields and goals, measures, findings, formats, revisions."""

    def get_queryset(self):
        return super().get_queryset().select_related("revision")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        konzept, user = self.object, self.request.user
        felder = list(Handlungsfeld.objects.filter(handlungskonzept=konzept))
        ziele = list(
            Ziel.objects.visible_to(user).filter(handlungsfeld__handlungskonzept=konzept).order_by("title", "pk")
        )
        rollup = concept_rollup(konzept, felder=felder, ziele=ziele)
        for feld in felder:
            feld.progress = rollup.fields.get(feld.pk)
            feld.goals = [ziel for ziel in ziele if ziel.handlungsfeld_id == feld.pk]
        for ziel in ziele:
            ziel.progress = rollup.goals.get(ziel.pk)
        revision = getattr(konzept, "revision", None)
        context.update(
            rollup=rollup,
            felder=felder,
            massnahmen=Massnahme.objects.visible_to(user).filter(handlungskonzept=konzept).order_by("start", "title"),
            befunde=Befund.objects.visible_to(user)
            .filter(handlungskonzept=konzept)
            .select_related("beteiligungsformat"),
            beteiligungsformate=konzept.beteiligungsformate.all(),
            previous_revision=konzept.previous if konzept.previous and may(user, "view", konzept.previous) else None,
            next_revision=revision if revision is not None and may(user, "view", revision) else None,
        )
        return context


class BefundPages:
    """A finding's page: the goals that answer it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ziele"] = (
            self.object.ziele.visible_to(self.request.user)
            .select_related("handlungsfeld__handlungskonzept")
            .order_by("title", "pk")
        )
        return context


class ZielPages:
    """A goal's page: the findings it answers, its indicators, the measures serving it and its progress."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ziel, user = self.object, self.request.user
        massnahmen = list(ziel.massnahmen.select_related("handlungskonzept").order_by("start", "title", "pk"))
        context.update(
            # The goal's progress counts all its measures, also those in quarters the person does not cover.
            progress=mean(massnahme.progress for massnahme in massnahmen if massnahme.counts_for_progress),
            massnahmen=[massnahme for massnahme in massnahmen if may(user, "view", massnahme)],
            befunde=ziel.befunde.visible_to(user).select_related("handlungskonzept").order_by("kind", "title"),
            indikatoren=ziel.indikatoren.all(),
        )
        return context


class MassnahmePages:
    """A measure's page: its goals (and their findings), offers, meeting point, people, the practice examples it
    comes from or is described in, and the progress timeline, with the form for a new progress update."""

    sachstand_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        massnahme, user = self.object, self.request.user
        visible_befunde = Befund.objects.visible_to(user).order_by("kind", "title")
        treffpunkt = massnahme.treffpunkt
        context.update(
            ziele=Ziel.objects.visible_to(user)
            .filter(massnahmen=massnahme)
            .select_related("handlungsfeld__handlungskonzept")
            .prefetch_related(Prefetch("befunde", queryset=visible_befunde, to_attr="visible_befunde"))
            .order_by("title", "pk"),
            angebote=Angebot.objects.visible_to(user).filter(massnahmen=massnahme).select_related("treffpunkt"),
            treffpunkt=treffpunkt if treffpunkt is not None and may(user, "view", treffpunkt) else None,
            sachstaende=massnahme.sachstaende.select_related("author"),
            sachstand_form=self.sachstand_form or SachstandForm(massnahme=massnahme),
            transfer_links=transfer_links(massnahme, user),
        )
        context["can"]["record_progress"] = may(user, "record_progress", massnahme)
        return context


class MassnahmeProgressView(MassnahmePages, EntryDetailView):
    """Adds a progress update to a measure (POST only); invalid input shows the page again with the errors."""

    action = "record_progress"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        massnahme = self.get_object()
        form = SachstandForm(request.POST, massnahme=massnahme)
        if form.is_valid():
            try:
                record_progress(massnahme, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The progress update was recorded."))
                return HttpResponseRedirect(f"{massnahme.get_absolute_url()}#progress")
        self.sachstand_form = form
        return self.render_to_response(self.get_context_data(), status=400)


# --- The traceability chain ----------------------------------------------------------------------------------


class HandlungskonzeptChainView(EntryMixin, DetailView):
    """Finding → goals → measures → offers of one action concept, and back from the offers, as far as the
    person may see."""

    model = Handlungskonzept
    page = "chain"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chain"] = traceability_chain(self.object, user=self.request.user)
        return context


class AngebotChainView(EntryMixin, DetailView):
    """The way back from an offer: the measures it carries out, the goals they serve, the findings behind."""

    model = Angebot
    page = "chain"

    def get_template_names(self):
        return ["handlungskonzepte/angebot_chain.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        befunde = Befund.objects.visible_to(user).order_by("kind", "title")
        ziele = (
            Ziel.objects.visible_to(user)
            .order_by("title", "pk")
            .prefetch_related(Prefetch("befunde", queryset=befunde, to_attr="visible_befunde"))
        )
        context["massnahmen"] = (
            Massnahme.objects.visible_to(user)
            .filter(angebote=self.object)
            .select_related("handlungskonzept")
            .prefetch_related(Prefetch("ziele", queryset=ziele, to_attr="visible_ziele"))
            .order_by("start", "title", "pk")
        )
        return context
