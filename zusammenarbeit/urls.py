"""The portal's pages for working together: meetings and tasks, practice examples and transfers, the calendar."""

from zusammenarbeit import kalender, praxis, views

app_name = "zusammenarbeit"

urlpatterns = [*views.urlpatterns, *praxis.urlpatterns, *kalender.urlpatterns]
