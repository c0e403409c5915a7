from django.urls import path

from portal import views, views_requests

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("portal/<str:desk_id>/", views.desk, name="desk"),
    path("portal/<str:desk_id>/icons/<str:icon_id>.png", views.icon, name="icon"),
    path("portal/<str:desk_id>/create/<str:request_type_id>/", views_requests.create, name="create"),
    path("requests/", views_requests.request_list, name="requests"),
    path("requests/<str:issue_key>/", views_requests.request_detail, name="request"),
    path("requests/<str:issue_key>/comment/", views_requests.comment, name="comment"),
    path("requests/<str:issue_key>/participants/", views_requests.participant, name="participant"),
    path("requests/<str:issue_key>/transition/", views_requests.transition, name="transition"),
    path(
        "requests/<str:issue_key>/attachments/<str:attachment_id>/",
        views_requests.attachment,
        name="attachment",
    ),
]
