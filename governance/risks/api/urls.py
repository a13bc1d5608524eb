"""API routes of this app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from governance.risks.api.reference import RiskCategoryViewSet
from governance.risks.api.views import EscalationViewSet, RiskViewSet

router = SimpleRouter()
router.register("risks", RiskViewSet, basename="api-risk")
router.register("risk-escalations", EscalationViewSet, basename="api-risk-escalation")
router.register("risk-categories", RiskCategoryViewSet, basename="api-risk-category")

urlpatterns = router.urls
