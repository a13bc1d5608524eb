// NHS.UK frontend's page set-up (its template has it inline; our CSP allows no inline
// scripts): mark the body so its components' JavaScript and styles switch on.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
