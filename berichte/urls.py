from django.urls import path

from berichte import views

app_name = "berichte"

urlpatterns = [
    path("portal/berichte/", views.IndexView.as_view(), name="index"),
    path("portal/berichte/<int:year>/", views.ReportView.as_view(), name="bericht"),
    path("portal/berichte/<int:year>/pdf/", views.ReportView.as_view(file_format="pdf"), name="bericht-pdf"),
    path("portal/berichte/<int:year>/xlsx/", views.ReportView.as_view(file_format="xlsx"), name="bericht-xlsx"),
    path("portal/berichte/<int:year>/vorjahr/", views.YearComparisonView.as_view(), name="vorjahr"),
    path("portal/berichte/<int:year>/abschliessen/", views.FinaliseView.as_view(), name="abschliessen"),
    path("portal/berichte/fassungen/<int:pk>/", views.VersionView.as_view(), name="fassung"),
    path("portal/berichte/fassungen/<int:pk>/pdf/", views.VersionView.as_view(file_format="pdf"), name="fassung-pdf"),
    path(
        "portal/berichte/fassungen/<int:pk>/xlsx/", views.VersionView.as_view(file_format="xlsx"), name="fassung-xlsx"
    ),
    path(
        "portal/berichte/fassungen/<int:pk>/vergleich/",
        views.VersionComparisonView.as_view(),
        name="fassung-vergleich",
    ),
]
