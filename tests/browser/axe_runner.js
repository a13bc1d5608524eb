/* Injected into every document by tests/browser/conftest.py after axe-core itself: when
   the page has loaded, run axe (WCAG 2.0-2.2 A and AA rules) and report the
   serious and critical violations back to the test through window.__axeReport. */
(() => {
  if (window.top !== window) { return; }
  // about:blank, and a PDF shown by the browser's own viewer, are not our pages
  if (!/^https?:$/.test(location.protocol) || document.contentType !== "text/html") { window.__axeDone = true; return; }
  const options = {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}};
  const go = () => {
    if (typeof axe === "undefined" || !document.documentElement) { return; }
    axe.run(document, options).then((result) => {
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\n").slice(0, 2).join(" "))}));
      return window.__axeReport(location.href, document.title, JSON.stringify(bad));
    }).catch((e) => window.__axeReport(location.href, document.title, JSON.stringify([{id: "axe-error", impact: "critical", help: String(e), nodes: []}])))
      .finally(() => { window.__axeDone = true; });
  };
  if (document.readyState === "complete") { go(); } else { window.addEventListener("load", go); }
})();
