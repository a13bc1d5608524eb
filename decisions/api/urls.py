"""API routes of this app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from decisions.api.reference import DecisionTypeViewSet, SordVersionViewSet
from decisions.api.register import DecisionRegisterViewSet
from decisions.api.views import ProposalViewSet

router = SimpleRouter()
router.register("proposals", ProposalViewSet, basename="api-proposal")
router.register("decisions", DecisionRegisterViewSet, basename="api-decision")
router.register("decision-types", DecisionTypeViewSet, basename="api-decision-type")
router.register("sord-versions", SordVersionViewSet, basename="api-sord-version")

urlpatterns = router.urls
