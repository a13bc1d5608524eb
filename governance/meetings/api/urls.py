"""API routes of this app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from governance.meetings.api import views

router = SimpleRouter()
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("actions", views.ActionViewSet, basename="action")

urlpatterns = router.urls
