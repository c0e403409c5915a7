from django.urls import path

from portal import views, views_links, views_my_requests, views_request_actions, views_requests, views_search

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("search/", views_search.search, name="search"),
    path("portal/<str:desk_id>/", views.desk, name="desk"),
    path("portal/<str:desk_id>/icons/<str:icon_id>.png", views.icon, name="icon"),
    path("portal/<str:desk_id>/create/<str:request_type_id>/", views_requests.create, name="create"),
    path("requests/", views_my_requests.request_list, name="requests"),
    path("requests/<str:issue_key>/", views_requests.request_detail, name="request"),
    path("requests/<str:issue_key>/comment/", views_requests.comment, name="comment"),
    path("requests/<str:issue_key>/participants/", views_requests.participant, name="participant"),
    path("requests/<str:issue_key>/transition/", views_requests.transition, name="transition"),
    path(
        "requests/<str:issue_key>/participants/remove/",
        views_request_actions.participant_remove,
        name="participant-remove",
    ),
    path("requests/<str:issue_key>/files/", views_request_actions.files_add, name="files"),
    path(
        "requests/<str:issue_key>/attachments/<str:attachment_id>/preview/",
        views_request_actions.preview,
        name="preview",
    ),
    path(
        "requests/<str:issue_key>/attachments/<str:attachment_id>/",
        views_requests.attachment,
        name="attachment",
    ),
    # JSM's own portal addresses (the links of its notification emails): portal/views_links.py
    path("servicedesk/customer/portals", views_links.portals, name="jsm-portals"),
    path("servicedesk/customer/portal/<str:portal_id>", views_links.portal, name="jsm-portal"),
    path("servicedesk/customer/portal/<str:portal_id>/", views_links.portal),
    path("servicedesk/customer/portal/<str:portal_id>/<str:issue_key>", views_links.portal_request, name="jsm-request"),
    path("servicedesk/customer/portal/<str:portal_id>/<str:issue_key>/", views_links.portal_request),
    path(
        "servicedesk/customer/portal/<str:portal_id>/create/<str:request_type_id>",
        views_links.portal_create,
        name="jsm-create",
    ),
    path(
        "servicedesk/customer/portal/<str:portal_id>/group/<str:group_id>/create/<str:request_type_id>",
        views_links.portal_create,
    ),
    path("servicedesk/customer/user/requests", views_links.user_requests, name="jsm-requests"),
    path("servicedesk/customer/user/approvals", views_links.user_approvals, name="jsm-approvals"),
]
