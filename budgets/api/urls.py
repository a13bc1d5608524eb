"""API routes of this app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from budgets.api.views import AllocationViewSet, FundViewSet

router = SimpleRouter()
router.register("funds", FundViewSet, basename="api-fund")
router.register("allocations", AllocationViewSet, basename="api-allocation")

urlpatterns = router.urls
