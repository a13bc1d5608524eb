/* Background job progress, polled from each box's data-status-url (no inline scripts:
   the Content-Security-Policy allows scripts from our own static files only).
   - .job-progress (packs/job_progress.html): update bar, message and download link.
   - .job (meetings/meeting.html): update, then reload the page when the job ends. */
(function () {
  "use strict";
  function watch(box, onStatus) {
    function poll() {
      fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (s) { if (onStatus(s)) { setTimeout(poll, 1000); } })
        .catch(function () { setTimeout(poll, 5000); });
    }
    poll();
  }
  function start() {
    document.querySelectorAll(".job-progress[data-status-url]").forEach(function (box) {
      if (box.dataset.started || box.dataset.finished === "1") { return; }
      box.dataset.started = "1";
      var bar = box.querySelector("progress"), text = box.querySelector(".job-message"),
          link = box.querySelector(".job-result");
      watch(box, function (s) {
        bar.value = s.progress;
        text.textContent = s.status.charAt(0).toUpperCase() + s.status.slice(1) + (s.message ? ": " + s.message : "");
        if (s.status === "done" && s.result_url) { link.href = s.result_url; link.hidden = false; return false; }
        return s.status !== "failed";
      });
    });
    document.querySelectorAll(".job[data-status-url]").forEach(function (box) {
      watch(box, function (s) {
        box.querySelector("progress").value = s.progress;
        box.querySelector(".job-message").textContent = s.message;
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return false; }
        return true;
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
