// Starts NHS.UK frontend's components (header menu, buttons, skip link, error summary,
// notification banners...). Its ErrorSummary moves the focus to the error summary when a
// page loads with one (after a failed submit), so screen readers announce the problems.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();
