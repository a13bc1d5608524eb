"""API routes of this app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from budgets.api.envelope import CapitalSchemeViewSet, EnvelopeViewSet, SubmissionViewSet
from budgets.api.views import AllocationViewSet, FundViewSet

router = SimpleRouter()
router.register("funds", FundViewSet, basename="api-fund")
router.register("allocations", AllocationViewSet, basename="api-allocation")
router.register("envelopes", EnvelopeViewSet, basename="api-envelope")
router.register("envelope-submissions", SubmissionViewSet, basename="api-envelope-submission")
router.register("capital-schemes", CapitalSchemeViewSet, basename="api-capital-scheme")

urlpatterns = router.urls
