"""Web pages for assessments (included at /danh-gia/)."""

from django.urls import path

from binhyen.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("moi/", views.assessment_create, name="create"),
    path("ket-qua/", views.assessment_results, name="results"),
    path("bo-tieu-chi/", views.rubric_list, name="rubrics"),
    path("bo-tieu-chi/<slug:code>/", views.rubric_detail, name="rubric"),
    path("bang-chung/<int:pk>/", views.evidence_file, name="evidence"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/tu-danh-gia/", views.assessment_fill, name="fill"),
    path("<int:pk>/gui/", views.assessment_submit, name="submit"),
    path("<int:pk>/tham-dinh/", views.assessment_review, name="review"),
    path("<int:pk>/tra-lai/", views.assessment_return, name="return"),
    path("<int:pk>/phe-duyet/", views.assessment_approve, name="approve"),
    path("<int:pk>/xoa/", views.assessment_delete, name="delete"),
]
